using System.Net;
using VibeZ.Redis.Configuration;

namespace VibeZ.Redis.Tests.Configuration;

public sealed partial class RedisSettingsReaderTests
{
    [Fact]
    public void NothingConfiguredMeansSingleModeOnLocalhost6379()
    {
        var settings = RedisSettingsReader.Read(TestConfiguration.From());

        Assert.Equal(RedisMode.Single, settings.Mode);
        Assert.Equal([new DnsEndPoint("localhost", 6379)], settings.EndPoints);
        Assert.False(settings.UseTls);
        Assert.Null(settings.Password);
        Assert.True(settings.NatMap.IsEmpty);
    }

    [Theory]
    [InlineData("single", RedisMode.Single)]
    [InlineData("SENTINEL", RedisMode.Sentinel)]
    [InlineData(" Cluster ", RedisMode.Cluster)]
    public void ModeIsReadCaseInsensitively(string mode, RedisMode expected)
    {
        var settings = RedisSettingsReader.Read(TestConfiguration.From(
            ("REDIS_MODE", mode), ("REDIS_SENTINELS", "s1:26379"), ("REDIS_CLUSTER_NODES", "n1:7000")));

        Assert.Equal(expected, settings.Mode);
    }

    [Fact]
    public void UnknownModeIsRejectedNamingTheVariableAndValue()
    {
        var ex = Assert.Throws<RedisConfigurationException>(() =>
            RedisSettingsReader.Read(TestConfiguration.From(("REDIS_MODE", "sentinal"))));

        Assert.Equal("REDIS_MODE", ex.Setting);
        Assert.Equal("REDIS_MODE value 'sentinal' is invalid: expected 'single', 'sentinel' or 'cluster'.", ex.Message);
    }

    [Fact]
    public void UrlSuppliesHostPortUserPasswordDatabaseAndTls()
    {
        var settings = RedisSettingsReader.Read(TestConfiguration.From(("REDIS_URL", "rediss://alice:s%40cret@cache.internal:6390/3")));

        Assert.Equal([new DnsEndPoint("cache.internal", 6390)], settings.EndPoints);
        Assert.True(settings.UseTls);
        Assert.Equal("alice", settings.User);
        Assert.Equal("s@cret", settings.Password);
        Assert.Equal(3, settings.Database);
    }

    [Fact]
    public void UrlWithAnIpv6HostParsesToAnIpEndPoint()
    {
        var settings = RedisSettingsReader.Read(TestConfiguration.From(("REDIS_URL", "redis://[::1]:6380")));

        Assert.Equal([new IPEndPoint(IPAddress.IPv6Loopback, 6380)], settings.EndPoints);
    }

    [Fact]
    public void SentinelModeReadsSentinelsNameAndBothPasswords()
    {
        var settings = RedisSettingsReader.Read(TestConfiguration.From(
            ("REDIS_MODE", "sentinel"),
            ("REDIS_SENTINELS", "sentinel1:26379, sentinel2 ,[::1]:26381"),
            ("REDIS_SENTINEL_NAME", "vibez"),
            ("REDIS_PASSWORD", "primarypw"),
            ("REDIS_SENTINEL_PASSWORD", "sentinelpw")));

        Assert.Equal(
            [new DnsEndPoint("sentinel1", 26379), new DnsEndPoint("sentinel2", 26379), new IPEndPoint(IPAddress.IPv6Loopback, 26381)],
            settings.EndPoints);
        Assert.Equal("vibez", settings.SentinelServiceName);
        Assert.Equal("primarypw", settings.Password);
        Assert.Equal("sentinelpw", settings.SentinelPassword);
    }

    [Fact]
    public void SentinelNameDefaultsToMymaster()
    {
        var settings = RedisSettingsReader.Read(TestConfiguration.From(("REDIS_MODE", "sentinel"), ("REDIS_SENTINELS", "s:26379")));

        Assert.Equal("mymaster", settings.SentinelServiceName);
        Assert.Null(settings.SentinelPassword);
    }

    [Fact]
    public void ClusterModeReadsTheSeedNodes()
    {
        var settings = RedisSettingsReader.Read(TestConfiguration.From(
            ("REDIS_MODE", "cluster"), ("REDIS_CLUSTER_NODES", "node1:7000,node2:7001,10.0.0.3:7002"), ("REDIS_PASSWORD", "pw")));

        Assert.Equal(
            [new DnsEndPoint("node1", 7000), new DnsEndPoint("node2", 7001), new IPEndPoint(IPAddress.Parse("10.0.0.3"), 7002)],
            settings.EndPoints);
        Assert.Equal("pw", settings.Password);
        Assert.Null(settings.SentinelServiceName);
    }

    [Fact]
    public void NatMapIsReadInEveryMode()
    {
        var settings = RedisSettingsReader.Read(TestConfiguration.From(
            ("REDIS_MODE", "cluster"), ("REDIS_CLUSTER_NODES", "node1:7000"), ("REDIS_NAT_MAP", "node1:7000=127.0.0.1:17000")));

        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 17000), settings.NatMap.Map(new DnsEndPoint("node1", 7000)));
    }

    [Fact]
    public void RedisSectionIsReadWhenNoVariableIsSet()
    {
        var settings = RedisSettingsReader.Read(TestConfiguration.From(
            ("Redis:Mode", "sentinel"),
            ("Redis:Sentinels", "s1:26379"),
            ("Redis:SentinelName", "fromsection"),
            ("Redis:Password", "pw"),
            ("Redis:Username", "user"),
            ("Redis:SentinelPassword", "spw"),
            ("Redis:NatMap", "s1:26379=127.0.0.1:1")));

        Assert.Equal(RedisMode.Sentinel, settings.Mode);
        Assert.Equal("fromsection", settings.SentinelServiceName);
        Assert.Equal(("user", "pw", "spw"), (settings.User, settings.Password, settings.SentinelPassword));
        Assert.Equal(1, settings.NatMap.Count);
    }

    [Fact]
    public void VariablesWinOverTheRedisSection()
    {
        var settings = RedisSettingsReader.Read(TestConfiguration.From(
            ("Redis:Mode", "cluster"), ("REDIS_MODE", "single"),
            ("Redis:Url", "redis://section:1"), ("REDIS_URL", "redis://variable:2"),
            ("Redis:Password", "section"), ("REDIS_PASSWORD", "variable")));

        Assert.Equal(RedisMode.Single, settings.Mode);
        Assert.Equal([new DnsEndPoint("variable", 2)], settings.EndPoints);
        Assert.Equal("variable", settings.Password);
    }

    [Fact]
    public void ErrorsNameTheSectionKeyWhenTheValueCameFromTheSection()
    {
        var ex = Assert.Throws<RedisConfigurationException>(() =>
            RedisSettingsReader.Read(TestConfiguration.From(("Redis:Mode", "cluster"), ("Redis:ClusterNodes", "n1:x"))));

        Assert.Equal("Redis:ClusterNodes", ex.Setting);
        Assert.StartsWith("Redis:ClusterNodes value 'n1:x' is invalid", ex.Message);
    }

    [Theory]
    [InlineData("sentinel", "REDIS_SENTINELS")]
    [InlineData("cluster", "REDIS_CLUSTER_NODES")]
    public void MissingNodesForTheModeAreRejectedNamingTheVariable(string mode, string variable)
    {
        var ex = Assert.Throws<RedisConfigurationException>(() =>
            RedisSettingsReader.Read(TestConfiguration.From(("REDIS_MODE", mode))));

        Assert.Equal(variable, ex.Setting);
        Assert.Equal(
            $"{variable} is required when REDIS_MODE is '{mode}', but it is '(not set)'; list host:port pairs separated by commas.",
            ex.Message);
    }

    [Theory]
    [InlineData("n1:7000,n2:abc", "'n2:abc' has port 'abc', which is not a number")]
    [InlineData("n1:70000", "'n1:70000' has port 70000, which is outside 1-65535")]
    [InlineData("n1:0", "'n1:0' has port 0, which is outside 1-65535")]
    [InlineData("n1:7000,,n2:7001", "an entry is empty")]
    [InlineData(":7000", "':7000' has no host")]
    [InlineData("::1:7000", "'::1:7000' looks like an IPv6 address; write it as [address]:port")]
    [InlineData("[::1:7000", "'[::1:7000' opens '[' without closing it")]
    [InlineData("[not-ip]:7000", "'[not-ip]:7000' has 'not-ip' in brackets, which is not an IPv6 address")]
    [InlineData("bad host:7000", "'bad host:7000' has 'bad host', which is not a host name or IP address")]
    public void MalformedClusterNodesAreRejectedWithTheWholeValueAndTheBadEntry(string nodes, string problem)
    {
        var ex = Assert.Throws<RedisConfigurationException>(() =>
            RedisSettingsReader.Read(TestConfiguration.From(("REDIS_MODE", "cluster"), ("REDIS_CLUSTER_NODES", nodes))));

        Assert.Equal($"REDIS_CLUSTER_NODES value '{nodes}' is invalid: {problem}.", ex.Message);
    }

    [Fact]
    public void MalformedSentinelIsRejectedNamingRedisSentinels()
    {
        var ex = Assert.Throws<RedisConfigurationException>(() =>
            RedisSettingsReader.Read(TestConfiguration.From(("REDIS_MODE", "sentinel"), ("REDIS_SENTINELS", "s1:99999"))));

        Assert.Equal("REDIS_SENTINELS value 's1:99999' is invalid: 's1:99999' has port 99999, which is outside 1-65535.", ex.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void EmptySentinelNameIsRejected(string name)
    {
        var ex = Assert.Throws<RedisConfigurationException>(() => RedisSettingsReader.Read(TestConfiguration.From(
            ("REDIS_MODE", "sentinel"), ("REDIS_SENTINELS", "s1:26379"), ("REDIS_SENTINEL_NAME", name))));

        Assert.Equal("REDIS_SENTINEL_NAME", ex.Setting);
        Assert.Equal($"REDIS_SENTINEL_NAME value '{name}' is invalid: the sentinel service name must not be empty.", ex.Message);
    }

    [Theory]
    [InlineData("http://user:hunter2@host:6379", "REDIS_URL value 'http://user:***@host:6379' is invalid: it must start with redis:// or rediss://.")]
    [InlineData("redis://user:hunter2@host:99999", "REDIS_URL value 'redis://user:***@host:99999' is invalid: 'host:99999' has port 99999, which is outside 1-65535.")]
    [InlineData("redis://user:hunter2@host:port", "REDIS_URL value 'redis://user:***@host:port' is invalid: 'host:port' has port 'port', which is not a number.")]
    [InlineData("redis://user:hunter2@:6379", "REDIS_URL value 'redis://user:***@:6379' is invalid: ':6379' has no host.")]
    [InlineData("redis://user:hunter2@host:6379/x", "REDIS_URL value 'redis://user:***@host:6379/x' is invalid: database 'x' is not a non-negative number.")]
    [InlineData("redis://hunter2@host:6379?ssl=true", "REDIS_URL value 'redis://***@host:6379?ssl=true' is invalid: query strings and fragments are not supported.")]
    [InlineData("redis://user:hunter2@", "REDIS_URL value 'redis://user:***@' is invalid: it has no host.")]
    public void MalformedUrlIsRejectedWithThePasswordMasked(string url, string message)
    {
        var ex = Assert.Throws<RedisConfigurationException>(() => RedisSettingsReader.Read(TestConfiguration.From(("REDIS_URL", url))));

        Assert.Equal("REDIS_URL", ex.Setting);
        Assert.Equal(message, ex.Message);
        Assert.DoesNotContain("hunter2", ex.Message);
    }

    [Fact]
    public void MalformedNatMapIsRejectedNamingRedisNatMap()
    {
        var ex = Assert.Throws<RedisConfigurationException>(() =>
            RedisSettingsReader.Read(TestConfiguration.From(("REDIS_NAT_MAP", "a:1=127.0.0.1:2,b:1"))));

        Assert.Equal("REDIS_NAT_MAP", ex.Setting);
        Assert.Equal("REDIS_NAT_MAP value 'a:1=127.0.0.1:2,b:1' is invalid: entry 'b:1' must look like announcedHost:port=reachableHost:port.", ex.Message);
    }

    [Fact]
    public void SettingsDescribeThemselvesWithoutThePassword()
    {
        var settings = RedisSettingsReader.Read(TestConfiguration.From(("REDIS_URL", "redis://u:hunter2@host:6379"), ("REDIS_SENTINEL_PASSWORD", "hunter3")));

        Assert.Equal("single host:6379 password=***", settings.ToString());
    }
}
