using VibeZ.Gateway.Security.Tokens;

namespace VibeZ.Gateway.Tests.Security.Tokens;

public sealed class GatewayAuthOptionsValidatorTests
{
    private const string GoodKey = "a-signing-key-of-at-least-thirty-two-bytes";

    [Fact]
    public void TheDefaultsNeedOnlyASigningKey()
    {
        Assert.True(Validate(new GatewayAuthOptions { SigningKey = GoodKey }).Succeeded);
        Assert.Contains("Gateway:Auth:SigningKey is not set", Validate(new GatewayAuthOptions()).FailureMessage);
    }

    [Fact]
    public void AuthenticationOffNeedsNoKey()
    {
        Assert.True(Validate(new GatewayAuthOptions { Mode = GatewayAuthMode.None }).Succeeded);
    }

    [Fact]
    public void AShortKeyIsRefusedByItsLengthWithoutQuotingIt()
    {
        const string Short = "short-secret-value";

        var message = Validate(new GatewayAuthOptions { SigningKey = Short }).FailureMessage;

        Assert.Contains("Gateway:Auth:SigningKey is 18 bytes long", message);
        Assert.DoesNotContain(Short, message);
    }

    [Fact]
    public void ABase64KeyIsDecodedBeforeItsLengthIsChecked()
    {
        Assert.True(Validate(new GatewayAuthOptions { SigningKey = "base64:" + Convert.ToBase64String(new byte[32]) }).Succeeded);
        Assert.Contains("is 16 bytes long", Validate(new GatewayAuthOptions { SigningKey = "base64:" + Convert.ToBase64String(new byte[16]) }).FailureMessage);
        Assert.Contains("not base64", Validate(new GatewayAuthOptions { SigningKey = "base64:%%%" }).FailureMessage);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("HS1")]
    [InlineData("hs256")]
    public void AnAlgorithmOutsideThePinnedSetIsRefused(string algorithm)
    {
        var message = Validate(new GatewayAuthOptions { SigningKey = GoodKey, Algorithms = [algorithm] }).FailureMessage;

        Assert.Contains($"Gateway:Auth:Algorithms names '{algorithm}', which is not allowed", message);
    }

    [Fact]
    public void PublicKeyAlgorithmsNeedAPemOrAJwksUrl()
    {
        Assert.Contains("need Gateway:Auth:PublicKeyPem or Gateway:Auth:JwksUrl", Validate(new GatewayAuthOptions { Algorithms = ["RS256"] }).FailureMessage);
        Assert.Contains("Gateway:Auth:PublicKeyPem holds no RSA or EC public key", Validate(new GatewayAuthOptions { Algorithms = ["RS256"], PublicKeyPem = "not a pem" }).FailureMessage);
        Assert.Contains("Gateway:Auth:JwksUrl is 'http://keys.example/jwks'", Validate(new GatewayAuthOptions { Algorithms = ["ES256"], JwksUrl = "http://keys.example/jwks" }).FailureMessage);
        Assert.True(Validate(new GatewayAuthOptions { Algorithms = ["ES256"], JwksUrl = "http://127.0.0.1:1/jwks", RequireHttpsMetadata = false }).Succeeded);
    }

    [Fact]
    public void TimesOutOfRangeNameTheSetting()
    {
        var message = Validate(new GatewayAuthOptions { SigningKey = GoodKey, RefreshGraceSeconds = 0, ConnectTimeoutSeconds = 1000 }).FailureMessage;

        Assert.Contains("Gateway:Auth:RefreshGraceSeconds value '0' is invalid: it must be from 1 to 3600.", message);
        Assert.Contains("Gateway:Auth:ConnectTimeoutSeconds value '1000' is invalid: it must be from 1 to 300.", message);
    }

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(GatewayAuthOptions options) =>
        new GatewayAuthOptionsValidator().Validate(null, options);
}
