using StackExchange.Redis;
using VibeZ.Redis.Resilience;

namespace VibeZ.Redis.Tests.Resilience;

/// <summary>The attempt timeout: a hung attempt is given up and sent again, and an operation run once says what may have happened to it.</summary>
public sealed partial class RedisResilienceTests
{
    [Fact]
    public async Task AnAttemptThatHangsIsGivenUpAtTheAttemptTimeoutAndTheOperationIsSentAgain()
    {
        using var host = RedisResilienceTestHost.Build(_time, ("Redis:Resilience:AttemptTimeoutMilliseconds", "500"));
        var never = new TaskCompletionSource<int>();
        var attempts = new List<DateTimeOffset>();

        var result = await _time.AdvanceUntilDoneAsync(
            Resilience(host).ExecuteIdempotentAsync("history.read", (_, _) =>
            {
                attempts.Add(_time.GetUtcNow());
                return attempts.Count == 1 ? never.Task : Task.FromResult(42);
            }, TestContext.Current.CancellationToken),
            Step,
            Limit);

        // The second attempt follows the first's timeout by one retry delay, far inside the 10 s budget.
        Assert.Equal(42, result);
        Assert.Equal(2, attempts.Count);
        AssertDelay(TimeSpan.FromMilliseconds(500 + 50), attempts[1] - attempts[0]);
    }

    [Fact]
    public async Task TheDefaultAttemptTimeoutIsTwoSeconds()
    {
        using var host = RedisResilienceTestHost.Build(_time);
        var never = new TaskCompletionSource<int>();
        var attempts = new List<DateTimeOffset>();

        await _time.AdvanceUntilDoneAsync(
            Resilience(host).ExecuteIdempotentAsync("history.read", (_, _) =>
            {
                attempts.Add(_time.GetUtcNow());
                return attempts.Count == 1 ? never.Task : Task.FromResult(0);
            }, TestContext.Current.CancellationToken),
            Step,
            Limit);

        AssertDelay(TimeSpan.FromMilliseconds(2000 + 50), attempts[1] - attempts[0]);
    }

    [Fact]
    public async Task WhileEveryAttemptHangsEachIsGivenUpAtTheAttemptTimeoutUntilTheBudgetRunsOut()
    {
        using var host = RedisResilienceTestHost.Build(
            _time, ("Redis:Resilience:TotalTimeoutSeconds", "2"), ("Redis:Resilience:AttemptTimeoutMilliseconds", "500"));
        var never = new TaskCompletionSource<string>();
        var attempts = new List<DateTimeOffset>();

        var task = Resilience(host).ExecuteIdempotentAsync("history.read", (_, _) =>
        {
            attempts.Add(_time.GetUtcNow());
            return never.Task;
        }, TestContext.Current.CancellationToken);
        var ex = await Assert.ThrowsAsync<RedisUnavailableException>(() => _time.AdvanceUntilDoneAsync(task, Step, TimeSpan.FromSeconds(2)));

        // Attempts at 0, 550, 1150 and 1800 ms (each 500 ms timeout plus a growing delay); the budget ends the fourth.
        var delays = attempts.Zip(attempts.Skip(1), (earlier, later) => later - earlier).ToList();
        Assert.Equal(4, ex.Attempts);
        Assert.Equal(4, attempts.Count);
        AssertDelay(TimeSpan.FromMilliseconds(500 + 50), delays[0]);
        AssertDelay(TimeSpan.FromMilliseconds(500 + 100), delays[1]);
        AssertDelay(TimeSpan.FromMilliseconds(500 + 150), delays[2]);
        Assert.InRange(ex.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.01));
        Assert.Contains("Redis:Resilience:TotalTimeoutSeconds budget of 2 s", ex.Message);
        Assert.Contains("the last attempt was still waiting for Redis when it was given up", ex.Message);
    }

    [Fact]
    public async Task AnOperationRunOnceThatHangsFailsAtTheAttemptTimeoutWithItsOutcomeUnknownAndIsNotSentAgain()
    {
        using var host = RedisResilienceTestHost.Build(_time, ("Redis:Resilience:AttemptTimeoutMilliseconds", "500"));
        var never = new TaskCompletionSource<long>();
        var calls = 0;

        var task = Resilience(host).ExecuteOnceAsync("message.append", (_, _) =>
        {
            calls++;
            return never.Task;
        }, TestContext.Current.CancellationToken);
        var ex = await Assert.ThrowsAsync<RedisUnavailableException>(() => _time.AdvanceUntilDoneAsync(task, Step, TimeSpan.FromSeconds(2)));

        Assert.Equal(1, calls);
        Assert.Equal(1, ex.Attempts);
        Assert.InRange(ex.Elapsed, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(510));
        Assert.Contains(
            "Redis is unavailable for 'message.append': outcome unknown: it got no answer within the Redis:Resilience:AttemptTimeoutMilliseconds of 500 ms and was not retried, because it is not idempotent; Redis may have applied it or may still apply it",
            ex.Message);
    }

    public static TheoryData<Exception, string> OnceFailures => new()
    {
        { new RedisServerException("READONLY You can't write against a read only replica."), "Redis refused it and was not retried" },
        { new RedisConnectionException(ConnectionFailureType.UnableToConnect, "No connection is active", null, CommandStatus.WaitingToBeSent), "it was never sent and was not retried" },
        { new RedisConnectionException(ConnectionFailureType.SocketClosed, "socket closed", null, CommandStatus.Sent), "outcome unknown: it failed after it may have reached Redis and was not retried" },
        { new RedisTimeoutException("Timeout awaiting response", CommandStatus.Unknown), "outcome unknown: it failed after it may have reached Redis and was not retried" },
    };

    [Theory]
    [MemberData(nameof(OnceFailures))]
    public async Task AFailedOperationRunOnceSaysWhetherRedisMayHaveAppliedIt(Exception failure, string expected)
    {
        using var host = RedisResilienceTestHost.Build(_time);

        var ex = await Assert.ThrowsAsync<RedisUnavailableException>(() => Resilience(host).ExecuteOnceAsync<long>(
            "message.append", (_, _) => Task.FromException<long>(failure), TestContext.Current.CancellationToken));

        Assert.Contains(expected, ex.Message);
        Assert.Same(failure, ex.InnerException);
    }
}
