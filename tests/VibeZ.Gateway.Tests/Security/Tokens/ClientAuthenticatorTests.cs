using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;
using VibeZ.Gateway.Security;
using VibeZ.Gateway.Security.Tokens;

namespace VibeZ.Gateway.Tests.Security.Tokens;

/// <summary>Tokens in frames, validated with the very JwtBearer options the HTTP path uses.</summary>
public sealed class ClientAuthenticatorTests
{
    private static readonly DateTime Now = DateTime.UtcNow;

    public static TheoryData<string, string> BadTokens => new()
    {
        { "expired", "the token has expired" },
        { "not yet valid", "the token is not valid yet (nbf)" },
        { "wrong signature", "the token's signature does not verify" },
        { "alg none", "the token's signature does not verify" },
        { "no exp", "the token has no exp" },
        { "no sub", "the token has no 'sub' claim" },
        { "wrong issuer", "the token's issuer is not accepted" },
        { "wrong audience", "the token's audience is not accepted" },
        { "garbage", "the token is not a well-formed JWT" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task EveryBadTokenIsRefusedSayingWhyWithoutQuotingIt(string kind, string reason)
    {
        var authenticator = Create(("Gateway:Auth:Issuer", "vibez"), ("Gateway:Auth:Audience", "chat"));
        var token = GatewayTokens.Bad(kind, "vibez", "chat");

        var (client, error) = await authenticator.ValidateAsync(token, TestContext.Current.CancellationToken);

        Assert.Null(client);
        Assert.StartsWith(reason, error);
        Assert.DoesNotContain(token, error);
    }

    [Fact]
    public async Task AGoodTokenNamesItsSubjectGrantsAndExpiry()
    {
        var authenticator = Create();
        var token = GatewayTokens.Mint("alice", subscribe: "room-*", publish: "room-1", history: "", apiPublish: "", lifetime: TimeSpan.FromMinutes(5));

        var (client, error) = await authenticator.ValidateAsync(token, TestContext.Current.CancellationToken);

        Assert.True(client is not null, error);
        Assert.Equal("alice", client.Subject);
        Assert.True(client.Subscribe.Allows("room-9"));
        Assert.True(client.Publish.Allows("room-1"));
        Assert.False(client.Publish.Allows("room-2"));
        Assert.False(client.History.Allows("room-1"));
        Assert.InRange(client.Expires!.Value, DateTimeOffset.UtcNow.AddMinutes(4), DateTimeOffset.UtcNow.AddMinutes(6));
    }

    [Theory]
    [InlineData("Bearer ", true)]
    [InlineData("bearer  ", true)]
    [InlineData("Basic ", false)]
    [InlineData("", false)]
    public async Task AnUpgradesHeaderIsValidatedOnlyWhenItIsABearerToken(string scheme, bool valid)
    {
        var authenticator = Create();

        var (client, error) = await authenticator.ValidateBearerAsync(scheme + GatewayTokens.Mint("alice"), TestContext.Current.CancellationToken);

        Assert.Equal(valid ? "alice" : null, client?.Subject);
        Assert.Equal(valid ? string.Empty : "the Authorization header is not 'Bearer <token>'", error);
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("Bearer    ")]
    public async Task AnUpgradesBearerHeaderWithoutATokenIsRefused(string header)
    {
        var (client, error) = await Create().ValidateBearerAsync(header, TestContext.Current.CancellationToken);

        Assert.Null(client);
        Assert.Equal("the Authorization header is not 'Bearer <token>'", error);
    }

    [Fact]
    public async Task ArraysOfPatternsGrantLikeSpaceSeparatedOnes()
    {
        var authenticator = Create();
        var claims = new Dictionary<string, object> { ["sub"] = "bob", ["vibez:sub"] = new[] { "room-*", "lobby" } };

        var (client, _) = await authenticator.ValidateAsync(GatewayTokens.Sign(claims, Now.AddMinutes(5)), TestContext.Current.CancellationToken);

        Assert.NotNull(client);
        Assert.True(client.Subscribe.Allows("lobby"));
        Assert.True(client.Subscribe.Allows("room-3"));
    }

    [Fact]
    public async Task AnHmacTokenIsRefusedWhenOnlyRs256IsAllowed()
    {
        using var rsa = RSA.Create(2048);
        var authenticator = Create(("Gateway:Auth:Algorithms:0", "RS256"), ("Gateway:Auth:PublicKeyPem", rsa.ExportSubjectPublicKeyInfoPem()));

        var (client, error) = await authenticator.ValidateAsync(GatewayTokens.Mint(), TestContext.Current.CancellationToken);

        Assert.Null(client);
        Assert.Contains("not", error);
    }

    [Fact]
    public async Task Rs256AndEs256TokensVerifyWithAPemPublicKey()
    {
        using var rsa = RSA.Create(2048);
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rsaGateway = Create(("Gateway:Auth:Algorithms:0", "RS256"), ("Gateway:Auth:PublicKeyPem", rsa.ExportSubjectPublicKeyInfoPem()));
        var ecGateway = Create(("Gateway:Auth:Algorithms:0", "ES256"), ("Gateway:Auth:PublicKeyPem", ecdsa.ExportSubjectPublicKeyInfoPem()));
        var claims = GatewayTokens.AllGrants("carol");

        var rsaToken = GatewayTokens.Sign(claims, Now.AddMinutes(5), null, null, null, new SigningCredentials(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256));
        var ecToken = GatewayTokens.Sign(claims, Now.AddMinutes(5), null, null, null, new SigningCredentials(new ECDsaSecurityKey(ecdsa), SecurityAlgorithms.EcdsaSha256));

        Assert.Equal("carol", (await rsaGateway.ValidateAsync(rsaToken, TestContext.Current.CancellationToken)).Client?.Subject);
        Assert.Equal("carol", (await ecGateway.ValidateAsync(ecToken, TestContext.Current.CancellationToken)).Client?.Subject);
        Assert.Null((await rsaGateway.ValidateAsync(ecToken, TestContext.Current.CancellationToken)).Client);
    }

    [Fact]
    public async Task AJwksUrlsKeysVerifyTokensSignedWithTheirPrivateHalves()
    {
        using var rsa = RSA.Create(2048);
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)) { KeyId = "k1" });
        jwk.Use = "sig";
        using var server = JwksServer.Start($$"""{"keys":[{{System.Text.Json.JsonSerializer.Serialize(jwk)}}]}""");
        var authenticator = Create(("Gateway:Auth:Algorithms:0", "RS256"), ("Gateway:Auth:JwksUrl", server.Url), ("Gateway:Auth:RequireHttpsMetadata", "false"));
        var credentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = "k1" }, SecurityAlgorithms.RsaSha256);

        var (client, error) = await authenticator.ValidateAsync(
            GatewayTokens.Sign(GatewayTokens.AllGrants("dave"), Now.AddMinutes(5), null, null, null, credentials), TestContext.Current.CancellationToken);

        Assert.True(client is not null, error);
        Assert.Equal("dave", client.Subject);
        Assert.True(server.Requests > 0, "the key set was never fetched");
    }

    private static ClientAuthenticator Create(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(
            new Dictionary<string, string?> { ["Gateway:Auth:SigningKey"] = GatewayTokens.SigningKey, ["Gateway:Auth:ClockSkewSeconds"] = "0" }
                .Concat(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))));
        builder.AddGatewaySecurity();
        return builder.Build().Services.GetRequiredService<ClientAuthenticator>();
    }

    /// <summary>A JSON Web Key Set served on 127.0.0.1, counting its requests.</summary>
    private sealed class JwksServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly byte[] _body;
        private int _requests;

        private JwksServer(string body, int port)
        {
            _body = Encoding.UTF8.GetBytes(body);
            Url = $"http://127.0.0.1:{port}/jwks/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = ServeAsync();
        }

        public string Url { get; }

        public int Requests => Volatile.Read(ref _requests);

        public static JwksServer Start(string body) => new(body, RedisServerProcess.GetFreePort());

        public void Dispose() => _listener.Close();

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                try
                {
                    var context = await _listener.GetContextAsync();
                    Interlocked.Increment(ref _requests);
                    context.Response.ContentType = "application/json";
                    await context.Response.OutputStream.WriteAsync(_body);
                    context.Response.Close();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
            }
        }
    }
}
