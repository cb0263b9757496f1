using System.Net;
using StackExchange.Redis;
using VibeZ.Redis.Configuration;
using VibeZ.Redis.Connection;

namespace VibeZ.Redis.Tests.Configuration;

public sealed class RedisConfigurationOptionsFactoryTests
{
    private const string ClientName = "VibeZ.Tests";

    [Fact]
    public void SingleModeUsesTheUrlEndpointTlsCredentialsAndDatabase()
    {
        var settings = Read(("REDIS_URL", "rediss://alice:pw@cache:6390/2"));

        var options = RedisConfigurationOptionsFactory.Create(settings, ClientName, tunnel: null);

        Assert.Equal([new DnsEndPoint("cache", 6390)], options.EndPoints);
        Assert.True(options.Ssl);
        Assert.Equal("alice", options.User);
        Assert.Equal("pw", options.Password);
        Assert.Equal(2, options.DefaultDatabase);
        Assert.Null(options.ServiceName);
        AssertCommonDefaults(options);
    }

    [Fact]
    public void SentinelModeDialsTheSentinelsAndNamesTheService()
    {
        var settings = Read(("REDIS_MODE", "sentinel"), ("REDIS_SENTINELS", "s1:26379,s2:26380"), ("REDIS_SENTINEL_NAME", "vibez"), ("REDIS_PASSWORD", "pw"));

        var options = RedisConfigurationOptionsFactory.Create(settings, ClientName, tunnel: null);

        Assert.Equal([new DnsEndPoint("s1", 26379), new DnsEndPoint("s2", 26380)], options.EndPoints);
        Assert.Equal("vibez", options.ServiceName);
        Assert.Equal("pw", options.Password);
        AssertCommonDefaults(options);
    }

    [Fact]
    public void SentinelsGetThePrimaryCredentialsWhenNoSentinelPasswordIsSet()
    {
        var settings = Read(("REDIS_MODE", "sentinel"), ("REDIS_SENTINELS", "s1"), ("REDIS_USERNAME", "app"), ("REDIS_PASSWORD", "pw"));
        var primary = RedisConfigurationOptionsFactory.Create(settings, ClientName, tunnel: null);

        var sentinel = RedisConfigurationOptionsFactory.CreateSentinelOptions(primary, settings);

        Assert.Equal(("app", "pw"), (sentinel.User, sentinel.Password));
        Assert.Equal("mymaster", sentinel.ServiceName);
    }

    [Fact]
    public void SentinelsGetTheirOwnPasswordWhenOneIsSet()
    {
        var settings = Read(("REDIS_MODE", "sentinel"), ("REDIS_SENTINELS", "s1"), ("REDIS_USERNAME", "app"), ("REDIS_PASSWORD", "pw"), ("REDIS_SENTINEL_PASSWORD", "spw"));
        var primary = RedisConfigurationOptionsFactory.Create(settings, ClientName, tunnel: null);

        var sentinel = RedisConfigurationOptionsFactory.CreateSentinelOptions(primary, settings);

        Assert.Equal((null, "spw"), (sentinel.User, sentinel.Password));
        Assert.Equal(("app", "pw"), (primary.User, primary.Password));
    }

    [Fact]
    public void ClusterModeSeedsFromTheClusterNodes()
    {
        var settings = Read(("REDIS_MODE", "cluster"), ("REDIS_CLUSTER_NODES", "n1:7000,n2:7001"), ("REDIS_PASSWORD", "pw"));

        var options = RedisConfigurationOptionsFactory.Create(settings, ClientName, tunnel: null);

        Assert.Equal([new DnsEndPoint("n1", 7000), new DnsEndPoint("n2", 7001)], options.EndPoints);
        Assert.Equal("pw", options.Password);
        Assert.Null(options.ServiceName);
        AssertCommonDefaults(options);
    }

    [Fact]
    public void TheTunnelIsSetOnlyWhenGiven()
    {
        var settings = Read(("REDIS_NAT_MAP", "a:1=127.0.0.1:2"));
        var tunnel = new NatMapTunnel(settings.NatMap);

        Assert.Same(tunnel, RedisConfigurationOptionsFactory.Create(settings, ClientName, tunnel).Tunnel);
        Assert.Null(RedisConfigurationOptionsFactory.Create(Read(), ClientName, tunnel: null).Tunnel);
    }

    [Fact]
    public void ApplyReplacesEndpointsAnInjectedConnectionStringAdded()
    {
        var options = ConfigurationOptions.Parse("injected:6379,password=other");

        RedisConfigurationOptionsFactory.Apply(options, Read(("REDIS_URL", "redis://mine:6380")), ClientName, tunnel: null);

        Assert.Equal([new DnsEndPoint("mine", 6380)], options.EndPoints);
        Assert.Null(options.Password);
    }

    [Fact]
    public void NothingOutsideTheServiceUsersAclIsSentOnTheClientsOwnInitiative()
    {
        var options = RedisConfigurationOptionsFactory.Create(Read(("REDIS_USERNAME", "vibez-app"), ("REDIS_PASSWORD", "pw")), ClientName, tunnel: null);

        Assert.Equal("vibez-app", options.User);
        // The configuration string lists an unavailable command as "$NAME=" (renamed to nothing).
        var description = options.ToString(includePassword: false);
        Assert.All(["CONFIG", "KEYS", "SCAN", "FLUSHALL", "FLUSHDB", "DEBUG"], command => Assert.Contains($"${command}=,", description + ",", StringComparison.Ordinal));
        Assert.DoesNotContain("$INFO=", description, StringComparison.Ordinal);
        Assert.Equal("", options.TieBreaker);
        Assert.Equal("", options.ConfigurationChannel);
    }

    [Fact]
    public void TheDescriptionNeverIncludesThePassword()
    {
        var options = RedisConfigurationOptionsFactory.Create(Read(("REDIS_PASSWORD", "hunter2")), ClientName, tunnel: null);

        Assert.DoesNotContain("hunter2", options.ToString(includePassword: false));
    }

    [Fact]
    public void ApplyReconnectDefaultOptionsSetsTheScheduleHeartbeatAndFailFastBacklog()
    {
        var options = new ConfigurationOptions { AbortOnConnectFail = true };
        var policy = new RedisReconnectPolicy(new RedisReconnectOptions());

        RedisConfigurationOptionsFactory.ApplyReconnect(options, policy);

        Assert.Same(policy, options.ReconnectRetryPolicy);
        Assert.Equal(TimeSpan.FromMilliseconds(50), options.HeartbeatInterval);
        Assert.Same(BacklogPolicy.FailFast, options.BacklogPolicy);
        Assert.False(options.AbortOnConnectFail);
        Assert.Same(policy, options.Clone().ReconnectRetryPolicy);
    }

    private static RedisConnectionSettings Read(params (string Key, string? Value)[] values) =>
        RedisSettingsReader.Read(TestConfiguration.From(values));

    private static void AssertCommonDefaults(ConfigurationOptions options)
    {
        Assert.False(options.AbortOnConnectFail);
        Assert.Equal(5000, options.ConnectTimeout);
        Assert.Equal(ClientName, options.ClientName);
    }
}
