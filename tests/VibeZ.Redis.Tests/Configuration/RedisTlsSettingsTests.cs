using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using VibeZ.Redis.Configuration;

namespace VibeZ.Redis.Tests.Configuration;

/// <summary><c>REDIS_TLS</c>, <c>REDIS_TLS_CA_FILE</c> and <c>rediss://</c>: read once at start-up, refused naming the setting.</summary>
public sealed class RedisTlsSettingsTests : IDisposable
{
    private readonly TestCertificateAuthority _authority = new();
    private readonly List<string> _files = [];

    [Fact]
    public void TlsIsOffByDefault()
    {
        var settings = RedisSettingsReader.Read(TestConfiguration.From(("REDIS_MODE", "sentinel"), ("REDIS_SENTINELS", "127.0.0.1:26379")));

        Assert.False(settings.UseTls);
        Assert.Null(settings.TlsCaFile);
        Assert.False(RedisConfigurationOptionsFactory.Create(settings, "test", tunnel: null).Ssl);
    }

    [Theory]
    [InlineData("sentinel", "REDIS_SENTINELS")]
    [InlineData("cluster", "REDIS_CLUSTER_NODES")]
    [InlineData("single", "REDIS_URL")]
    public void RedisTlsTrueTurnsTlsOnInEveryMode(string mode, string nodesSetting)
    {
        var nodes = mode == "single" ? "redis://127.0.0.1:6379" : "127.0.0.1:7000";

        var settings = RedisSettingsReader.Read(TestConfiguration.From(("REDIS_MODE", mode), (nodesSetting, nodes), ("REDIS_TLS", "True")));

        Assert.True(settings.UseTls);
        Assert.True(RedisConfigurationOptionsFactory.Create(settings, "test", tunnel: null).Ssl);
    }

    [Fact]
    public void RedissUrlTurnsTlsOnWithoutRedisTls()
    {
        var settings = RedisSettingsReader.Read(TestConfiguration.From(("REDIS_URL", "rediss://127.0.0.1:6379")));

        Assert.True(settings.UseTls);
        Assert.Contains(" tls", settings.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("1")]
    [InlineData("on")]
    public void RedisTlsThatIsNotABoolStopsStartUpNamingIt(string value)
    {
        var ex = Assert.Throws<RedisConfigurationException>(() =>
            RedisSettingsReader.Read(TestConfiguration.From(("REDIS_TLS", value))));

        Assert.Equal("REDIS_TLS", ex.Setting);
        Assert.Equal($"REDIS_TLS value '{value}' is invalid: expected 'true' or 'false'.", ex.Message);
    }

    [Fact]
    public void RedisTlsFalseWithARedissUrlStopsStartUp()
    {
        var ex = Assert.Throws<RedisConfigurationException>(() =>
            RedisSettingsReader.Read(TestConfiguration.From(("REDIS_URL", "rediss://127.0.0.1:6379"), ("REDIS_TLS", "false"))));

        Assert.Equal("REDIS_TLS", ex.Setting);
        Assert.Contains("REDIS_URL starts with rediss://", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CaFileIsReadAtStartUpAndTrustedByTheOptions()
    {
        var caFile = Track(_authority.WritePemFile());

        var settings = RedisSettingsReader.Read(TestConfiguration.From(("REDIS_TLS", "true"), ("REDIS_TLS_CA_FILE", caFile)));
        var options = RedisConfigurationOptionsFactory.Create(settings, "test", tunnel: null);

        Assert.Equal(caFile, settings.TlsCaFile);
        Assert.Equal(_authority.Certificate.Thumbprint, Assert.Single(settings.TlsCaCertificates!).Thumbprint);
        Assert.True(options.Ssl);
    }

    [Fact]
    public void AMissingCaFileStopsStartUpNamingTheSettingAndThePath()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"vibez-missing-{Guid.NewGuid():N}.pem");

        var ex = Assert.Throws<RedisConfigurationException>(() =>
            RedisSettingsReader.Read(TestConfiguration.From(("REDIS_TLS", "true"), ("REDIS_TLS_CA_FILE", missing))));

        Assert.Equal("REDIS_TLS_CA_FILE", ex.Setting);
        Assert.StartsWith($"REDIS_TLS_CA_FILE value '{missing}' cannot be used: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACaFileWithoutACertificateStopsStartUp()
    {
        var empty = Track(Path.Combine(Path.GetTempPath(), $"vibez-empty-{Guid.NewGuid():N}.pem"));
        File.WriteAllText(empty, "not a certificate\n");

        var ex = Assert.Throws<RedisConfigurationException>(() =>
            RedisSettingsReader.Read(TestConfiguration.From(("REDIS_TLS", "true"), ("REDIS_TLS_CA_FILE", empty))));

        Assert.Equal("REDIS_TLS_CA_FILE", ex.Setting);
        Assert.Contains("cannot be used", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACaFileWithTlsOffStopsStartUp()
    {
        var caFile = Track(_authority.WritePemFile());

        var ex = Assert.Throws<RedisConfigurationException>(() =>
            RedisSettingsReader.Read(TestConfiguration.From(("REDIS_TLS_CA_FILE", caFile))));

        Assert.Equal("REDIS_TLS_CA_FILE", ex.Setting);
        Assert.Contains("TLS is off", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AServerCertificateIssuedByTheCaIsTrusted()
    {
        using var server = _authority.IssueServer();

        Assert.True(RedisServerCertificateValidation.IsTrusted(server, null, SslPolicyErrors.RemoteCertificateChainErrors, Trusted));
    }

    [Fact]
    public void AServerCertificateFromAnotherCaIsRefused()
    {
        using var other = new TestCertificateAuthority("another CA");
        using var server = other.IssueServer();

        Assert.False(RedisServerCertificateValidation.IsTrusted(server, null, SslPolicyErrors.RemoteCertificateChainErrors, Trusted));
    }

    [Fact]
    public void AServerCertificateForAnotherNameIsRefusedEvenFromTheCa()
    {
        using var server = _authority.IssueServer();

        Assert.False(RedisServerCertificateValidation.IsTrusted(server, null, SslPolicyErrors.RemoteCertificateNameMismatch, Trusted));
    }

    public void Dispose()
    {
        _files.ForEach(File.Delete);
        _authority.Dispose();
    }

    private X509Certificate2Collection Trusted => [_authority.Certificate];

    private string Track(string path)
    {
        _files.Add(path);
        return path;
    }
}
