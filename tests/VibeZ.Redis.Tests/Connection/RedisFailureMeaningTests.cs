using System.Net.Sockets;
using StackExchange.Redis;
using VibeZ.Redis.Connection;

namespace VibeZ.Redis.Tests.Connection;

public sealed class RedisFailureMeaningTests
{
    [Fact]
    public void DescribeConnectionRefusedSaysRedisIsNotRunning() =>
        Assert.Equal("Redis not running or wrong port", RedisFailureMeaning.Describe(
            ConnectionFailureType.UnableToConnect, new RedisConnectionException(ConnectionFailureType.UnableToConnect, "x", new SocketException((int)SocketError.ConnectionRefused))));

    [Fact]
    public void DescribeSocketTimeoutSaysNetworkOrFirewall() =>
        Assert.Equal("network issues or firewall", RedisFailureMeaning.Describe(ConnectionFailureType.SocketFailure, new SocketException((int)SocketError.TimedOut)));

    [Fact]
    public void DescribeConnectTimeoutSaysNetworkOrFirewall() =>
        Assert.Equal("network issues or firewall", RedisFailureMeaning.Describe(
            ConnectionFailureType.UnableToConnect, new RedisConnectionException(ConnectionFailureType.UnableToConnect, "UnableToConnect on 10.0.0.1:6379/Interactive, ConnectTimeout")));

    [Fact]
    public void DescribeAuthenticationFailureSaysAuthenticationFailed() =>
        Assert.Equal("authentication failed", RedisFailureMeaning.Describe(ConnectionFailureType.AuthenticationFailure, null));

    [Fact]
    public void DescribeSocketClosedSaysTheConnectionWasClosed() =>
        Assert.Equal("connection closed by the server or the network", RedisFailureMeaning.Describe(ConnectionFailureType.SocketClosed, null));
}
