using System.Net;
using StackExchange.Redis;
using VibeZ.Redis.Configuration;
using VibeZ.Redis.Connection;

namespace VibeZ.Redis.Tests.Connection;

public sealed class NatMapTunnelTests
{
    private readonly NatMapTunnel _tunnel = new(RedisNatMap.Parse("redis-master:6379=127.0.0.1:16379,172.18.0.3:6379=127.0.0.1:16380"));

    [Fact]
    public async Task EveryDialedEndPointIsMappedAndRecorded()
    {
        var announcedByName = new DnsEndPoint("Redis-Master", 6379);
        var announcedByIp = new IPEndPoint(IPAddress.Parse("172.18.0.3"), 6379);
        var unmapped = new DnsEndPoint("elsewhere", 6379);

        var dialedByName = await _tunnel.GetSocketConnectEndpointAsync(announcedByName, TestContext.Current.CancellationToken);
        var dialedByIp = await _tunnel.GetSocketConnectEndpointAsync(announcedByIp, TestContext.Current.CancellationToken);
        var dialedUnmapped = await _tunnel.GetSocketConnectEndpointAsync(unmapped, TestContext.Current.CancellationToken);

        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 16379), dialedByName);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 16380), dialedByIp);
        Assert.Same(unmapped, dialedUnmapped);
        Assert.Equal(3, _tunnel.DialedEndPoints.Count);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 16379), _tunnel.DialedEndPoints[announcedByName]);
    }

    [Fact]
    public void AnEndPointNotYetDialedReportsWhereItWouldBeDialed()
    {
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 16379), _tunnel.GetDialedEndPoint(new DnsEndPoint("redis-master", 6379)));
        Assert.Empty(_tunnel.DialedEndPoints);
    }

    [Fact]
    public void CloningConfigurationOptionsKeepsTheTunnel()
    {
        // Sentinel mode hands a copy of the options to the primary connection; the map must come along.
        var options = new ConfigurationOptions { Tunnel = _tunnel };

        Assert.Same(_tunnel, options.Clone().Tunnel);
    }
}
