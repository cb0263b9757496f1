using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using VibeZ.Redis.Resilience;

namespace VibeZ.Redis.Tests.Resilience;

public sealed partial class RedisResilienceTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task ATransientErrorIsRetriedWithLinearBackoffUntilTheOperationSucceeds()
    {
        using var host = RedisResilienceTestHost.Build(_time);
        var attempts = new List<DateTimeOffset>();

        var result = await _time.AdvanceUntilDoneAsync(
            Resilience(host).ExecuteIdempotentAsync("test.read", (_, _) =>
            {
                attempts.Add(_time.GetUtcNow());
                return attempts.Count < 3
                    ? Task.FromException<int>(new RedisConnectionException(ConnectionFailureType.SocketClosed, "connection lost"))
                    : Task.FromResult(42);
            }, TestContext.Current.CancellationToken),
            Step,
            Limit);

        Assert.Equal(42, result);
        Assert.Equal(3, attempts.Count);
        AssertDelay(TimeSpan.FromMilliseconds(50), attempts[1] - attempts[0]);
        AssertDelay(TimeSpan.FromMilliseconds(100), attempts[2] - attempts[1]);
    }

    [Fact]
    public async Task TheBackoffGrowsByOneStepUntilItReachesTheCap()
    {
        using var host = RedisResilienceTestHost.Build(
            _time, ("Redis:Resilience:RetryDelayMilliseconds", "50"), ("Redis:Resilience:MaxRetryDelayMilliseconds", "180"));
        var attempts = new List<DateTimeOffset>();

        await _time.AdvanceUntilDoneAsync(
            Resilience(host).ExecuteIdempotentAsync("test.read", (_, _) =>
            {
                attempts.Add(_time.GetUtcNow());
                return attempts.Count < 6
                    ? Task.FromException<int>(new RedisTimeoutException("Timeout awaiting response", CommandStatus.WaitingToBeSent))
                    : Task.FromResult(0);
            }, TestContext.Current.CancellationToken),
            Step,
            Limit);

        // Linear, not exponential: the third delay is 150 ms, where doubling would already be at the cap.
        var delays = attempts.Zip(attempts.Skip(1), (earlier, later) => later - earlier).ToList();
        Assert.Equal(5, delays.Count);
        AssertDelay(TimeSpan.FromMilliseconds(50), delays[0]);
        AssertDelay(TimeSpan.FromMilliseconds(100), delays[1]);
        AssertDelay(TimeSpan.FromMilliseconds(150), delays[2]);
        AssertDelay(TimeSpan.FromMilliseconds(180), delays[3]);
        AssertDelay(TimeSpan.FromMilliseconds(180), delays[4]);
    }

    [Theory]
    [InlineData("READONLY You can't write against a read only replica.")]
    [InlineData("LOADING Redis is loading the dataset in memory")]
    [InlineData("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.")]
    [InlineData("CLUSTERDOWN The cluster is down")]
    [InlineData("TRYAGAIN Multiple keys request during rehashing of slot")]
    public async Task AFailoverReplyIsRetried(string reply)
    {
        using var host = RedisResilienceTestHost.Build(_time);
        var calls = 0;

        var result = await _time.AdvanceUntilDoneAsync(
            Resilience(host).ExecuteIdempotentAsync("test.write", (_, _) => ++calls == 1
                ? Task.FromException<bool>(new RedisServerException(reply))
                : Task.FromResult(true), TestContext.Current.CancellationToken),
            Step,
            Limit);

        Assert.True(result);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task ANonTransientErrorIsNotRetriedAndReachesTheCallerUnchanged()
    {
        using var host = RedisResilienceTestHost.Build(_time);
        var calls = 0;

        var ex = await Assert.ThrowsAsync<RedisServerException>(() => Resilience(host).ExecuteIdempotentAsync<bool>(
            "test.read",
            (_, _) =>
            {
                calls++;
                throw new RedisServerException("WRONGTYPE Operation against a key holding the wrong kind of value");
            },
            TestContext.Current.CancellationToken));

        Assert.StartsWith("WRONGTYPE", ex.Message);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task ANonIdempotentOperationIsNeverRetried()
    {
        using var host = RedisResilienceTestHost.Build(_time);
        var calls = 0;

        var ex = await Assert.ThrowsAsync<RedisUnavailableException>(() => Resilience(host).ExecuteOnceAsync<long>(
            "test.incr",
            (_, _) =>
            {
                calls++;
                throw new RedisTimeoutException("Timeout awaiting response", CommandStatus.Sent);
            },
            TestContext.Current.CancellationToken));

        Assert.Equal(1, calls);
        Assert.Equal(1, ex.Attempts);
        Assert.Equal("test.incr", ex.OperationName);
        Assert.IsType<RedisTimeoutException>(ex.InnerException);
        Assert.Contains("not retried, because it is not idempotent", ex.Message);
        Assert.Contains("Timeout awaiting response", ex.Message);
    }

    [Fact]
    public async Task RetriesStopAtTheTotalBudgetWithRedisUnavailableNamingTheOperationAndTheLastError()
    {
        using var host = RedisResilienceTestHost.Build(_time, ("Redis:Resilience:TotalTimeoutSeconds", "2"));
        var calls = 0;

        var task = Resilience(host).ExecuteIdempotentAsync<string>(
            "history.read",
            (_, _) =>
            {
                calls++;
                throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "It was not possible to connect to the redis server(s).");
            },
            TestContext.Current.CancellationToken);

        var ex = await Assert.ThrowsAsync<RedisUnavailableException>(() => _time.AdvanceUntilDoneAsync(task, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(2)));

        Assert.InRange(ex.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.01));
        Assert.True(calls > 1, $"Expected retries before the budget ran out, saw {calls} call(s).");
        Assert.Equal(calls, ex.Attempts);
        Assert.Equal("history.read", ex.OperationName);
        Assert.IsType<RedisConnectionException>(ex.InnerException);
        Assert.Contains("'history.read'", ex.Message);
        Assert.Contains("Redis:Resilience:TotalTimeoutSeconds budget of 2 s", ex.Message);
        Assert.Contains("It was not possible to connect", ex.Message);
    }

    [Fact]
    public async Task AnAttemptTimeoutLongerThanTheBudgetStopsStartNamingBothSettings()
    {
        using var host = RedisResilienceTestHost.Build(
            _time, ("Redis:Resilience:TotalTimeoutSeconds", "2"), ("Redis:Resilience:AttemptTimeoutMilliseconds", "2001"));

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(
            "Redis:Resilience:AttemptTimeoutMilliseconds value '2001' is invalid: it must be at least 1 and at most Redis:Resilience:TotalTimeoutSeconds (2 s) in milliseconds.",
            ex.Message);
    }

    [Theory]
    [InlineData("Redis:Resilience:TotalTimeoutSeconds", "0", "Redis:Resilience:TotalTimeoutSeconds value '0' is invalid")]
    [InlineData("Redis:Resilience:RetryDelayMilliseconds", "0", "Redis:Resilience:RetryDelayMilliseconds value '0' is invalid")]
    [InlineData("Redis:Resilience:MaxRetryDelayMilliseconds", "10", "Redis:Resilience:MaxRetryDelayMilliseconds value '10' is invalid")]
    [InlineData("Redis:Resilience:AttemptTimeoutMilliseconds", "0", "Redis:Resilience:AttemptTimeoutMilliseconds value '0' is invalid")]
    [InlineData("Redis:HealthCheckIntervalSeconds", "0", "Redis:HealthCheckIntervalSeconds value '0' is invalid")]
    public async Task ABadSettingStopsStartWithAMessageNamingIt(string key, string value, string expected)
    {
        using var host = RedisResilienceTestHost.Build(_time, (key, value));

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(expected, ex.Message);
    }

    private static IRedisResilience Resilience(IHost host) => host.Services.GetRequiredService<IRedisResilience>();

    private static void AssertDelay(TimeSpan expected, TimeSpan actual) =>
        Assert.True(actual >= expected && actual < expected + TimeSpan.FromMilliseconds(20), $"Expected a delay of {expected.TotalMilliseconds} ms, saw {actual.TotalMilliseconds} ms.");
}
