using VibeZ.Redis.Connection;

namespace VibeZ.Redis.Tests.Connection;

public sealed class RedisReconnectPolicyTests
{
    [Theory]
    [InlineData(1, 50)]
    [InlineData(2, 100)]
    [InlineData(3, 150)]
    [InlineData(10, 500)]
    [InlineData(39, 1950)]
    [InlineData(40, 2000)]
    [InlineData(41, 2000)]
    [InlineData(1000, 2000)]
    public void GetDelayDefaultScheduleIsLinearFrom50MsCappedAt2s(long retry, int expectedMilliseconds)
    {
        var policy = new RedisReconnectPolicy(new RedisReconnectOptions());

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), policy.GetDelay(retry));
    }

    [Theory]
    [InlineData(0, 49, false)]
    [InlineData(0, 50, true)]
    [InlineData(1, 99, false)]
    [InlineData(1, 100, true)]
    [InlineData(2, 149, false)]
    [InlineData(2, 150, true)]
    [InlineData(100, 1999, false)]
    [InlineData(100, 2000, true)]
    public void ShouldRetryRetryCountAndElapsedWaitsForTheScheduledDelay(long currentRetryCount, int elapsedMilliseconds, bool expected)
    {
        var policy = new RedisReconnectPolicy(new RedisReconnectOptions());

        Assert.Equal(expected, policy.ShouldRetry(currentRetryCount, elapsedMilliseconds));
    }

    [Fact]
    public void ShouldRetryCustomBaseAndCapFollowsThem()
    {
        var policy = new RedisReconnectPolicy(new RedisReconnectOptions { BaseDelayMilliseconds = 200, MaxDelayMilliseconds = 500 });

        Assert.False(policy.ShouldRetry(0, 199));
        Assert.True(policy.ShouldRetry(0, 200));
        Assert.True(policy.ShouldRetry(1, 400));
        Assert.False(policy.ShouldRetry(5, 499));
        Assert.True(policy.ShouldRetry(5, 500));
        Assert.Equal(TimeSpan.FromMilliseconds(200), policy.BaseDelay);
    }

    [Fact]
    public void ShouldRetryWhenDueRaisesRetryStartingWithTheOneBasedRetryNumber()
    {
        var policy = new RedisReconnectPolicy(new RedisReconnectOptions());
        var raised = new List<long>();
        policy.RetryStarting += raised.Add;

        policy.ShouldRetry(0, 10);
        policy.ShouldRetry(0, 60);
        policy.ShouldRetry(2, 150);

        Assert.Equal([1L, 3L], raised);
    }
}
