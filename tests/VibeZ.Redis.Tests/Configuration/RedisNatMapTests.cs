using System.Net;
using VibeZ.Redis.Configuration;

namespace VibeZ.Redis.Tests.Configuration;

public sealed class RedisNatMapTests
{
    [Fact]
    public void BlankValueGivesAnEmptyMapThatChangesNothing()
    {
        var map = RedisNatMap.Parse("  ");
        var endPoint = new DnsEndPoint("redis-master", 6379);

        Assert.True(map.IsEmpty);
        Assert.Same(endPoint, map.Map(endPoint));
    }

    [Fact]
    public void EntriesWrittenThroughTheContractAreTheOnesItReads()
    {
        // The AppHost writes REDIS_NAT_MAP with RedisContract.NatMapEntry; this is the services' side of that round trip.
        var written = string.Join(RedisContract.NatMapEntrySeparator,
            RedisContract.NatMapEntry("redis-master:6379", "127.0.0.1:16379"),
            RedisContract.NatMapEntry("redis-sentinel-2:26380", "127.0.0.1:26380"));

        var map = RedisNatMap.Parse(written);

        Assert.Equal(2, map.Count);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 16379), map.Map(new DnsEndPoint("redis-master", 6379)));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 26380), map.Map(new DnsEndPoint("redis-sentinel-2", 26380)));
    }

    [Fact]
    public void HostNamesMatchCaseInsensitively()
    {
        var map = RedisNatMap.Parse("Redis-Master:6379=127.0.0.1:16379");

        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 16379), map.Map(new DnsEndPoint("redis-master", 6379)));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 16379), map.Map(new DnsEndPoint("REDIS-MASTER", 6379)));
    }

    [Fact]
    public void IpEndPointsMatchEntriesThatSpellTheSameAddress()
    {
        var map = RedisNatMap.Parse("172.18.0.2:6379=127.0.0.1:16379, [::1]:6380=127.0.0.1:16380");

        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 16379), map.Map(new IPEndPoint(IPAddress.Parse("172.18.0.2"), 6379)));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 16379), map.Map(new IPEndPoint(IPAddress.Parse("172.18.0.2").MapToIPv6(), 6379)));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 16379), map.Map(new DnsEndPoint("172.18.0.2", 6379)));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 16380), map.Map(new IPEndPoint(IPAddress.IPv6Loopback, 6380)));
    }

    [Fact]
    public void ThePortIsPartOfTheMatch()
    {
        var map = RedisNatMap.Parse("redis-master:6379=127.0.0.1:16379");
        var otherPort = new DnsEndPoint("redis-master", 6380);

        Assert.Same(otherPort, map.Map(otherPort));
    }

    [Fact]
    public void AReachableHostNameStaysADnsEndPoint()
    {
        var map = RedisNatMap.Parse("10.0.0.5:7000=localhost:17000");

        Assert.Equal(new DnsEndPoint("localhost", 17000), map.Map(new IPEndPoint(IPAddress.Parse("10.0.0.5"), 7000)));
    }

    [Theory]
    [InlineData("a:1", "entry 'a:1' must look like announcedHost:port=reachableHost:port")]
    [InlineData("a:1=b:2=c:3", "entry 'a:1=b:2=c:3' must look like announcedHost:port=reachableHost:port")]
    [InlineData("a=127.0.0.1:2", "entry 'a=127.0.0.1:2' has a bad announced endpoint: 'a' has no port")]
    [InlineData("a:1=127.0.0.1", "entry 'a:1=127.0.0.1' has a bad reachable endpoint: '127.0.0.1' has no port")]
    [InlineData("a:1=b:0", "entry 'a:1=b:0' has a bad reachable endpoint: 'b:0' has port 0, which is outside 1-65535")]
    [InlineData("a:1=b:2,A:1=c:3", "'A:1' is mapped more than once")]
    [InlineData("a:1=b:2,", "entry '' must look like announcedHost:port=reachableHost:port")]
    public void MalformedEntriesAreRejectedNamingRedisNatMap(string value, string problem)
    {
        var ex = Assert.Throws<RedisConfigurationException>(() => RedisNatMap.Parse(value));

        Assert.Equal("REDIS_NAT_MAP", ex.Setting);
        Assert.Equal($"REDIS_NAT_MAP value '{value}' is invalid: {problem}.", ex.Message);
    }
}
