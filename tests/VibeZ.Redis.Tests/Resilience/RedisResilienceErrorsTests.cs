using StackExchange.Redis;
using VibeZ.Redis.Resilience;

namespace VibeZ.Redis.Tests.Resilience;

public sealed class RedisResilienceErrorsTests
{
    [Theory]
    [InlineData("READONLY You can't write against a read only replica.", true)]
    [InlineData("LOADING", true)]
    [InlineData("MASTERDOWN Link with MASTER is down", true)]
    [InlineData("CLUSTERDOWN Hash slot not served", true)]
    [InlineData("TRYAGAIN Multiple keys request during rehashing of slot", true)]
    [InlineData("LOADINGX is not a failover reply", false)]
    [InlineData("ERR unknown command", false)]
    [InlineData("NOSCRIPT No matching script", false)]
    [InlineData("readonly lower case is not what Redis sends", false)]
    public void AServerReplyIsTransientOnlyWhenItsErrorCodeMeansFailover(string reply, bool transient) =>
        Assert.Equal(transient, RedisResilienceErrors.IsTransient(new RedisServerException(reply)));

    [Fact]
    public void ConnectionLossAndTimeoutAreTransientAndOtherErrorsAreNot()
    {
        Assert.True(RedisResilienceErrors.IsTransient(new RedisConnectionException(ConnectionFailureType.SocketClosed, "closed")));
        Assert.True(RedisResilienceErrors.IsTransient(new RedisTimeoutException("timeout", CommandStatus.Sent)));
        Assert.False(RedisResilienceErrors.IsTransient(new InvalidOperationException("bug")));
        Assert.False(RedisResilienceErrors.IsTransient(new OperationCanceledException()));
        Assert.False(RedisResilienceErrors.IsTransient(null));
    }
}
