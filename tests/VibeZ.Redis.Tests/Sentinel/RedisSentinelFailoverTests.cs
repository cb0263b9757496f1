using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using VibeZ.Redis.Configuration;
using VibeZ.Redis.Connection;
using VibeZ.Redis.Telemetry;

namespace VibeZ.Redis.Tests.Sentinel;

[Trait("Category", "Integration")]
[Trait("Timing", "Alone")]
[Collection(nameof(TimingSensitive))]
public sealed class RedisSentinelFailoverTests
{
    private const int DownAfterMilliseconds = SentinelProcesses.DownAfterMilliseconds;

    [Fact]
    public async Task SentinelMasterCrashIsFollowedByFailoverCompletedLogASpanAndWritesAgain()
    {
        await using var topology = await SentinelProcesses.StartAsync();
        var (master, replica, sentinels) = (topology.Master, topology.Replica, topology.Sentinels);
        var (password, sentinelPassword) = (topology.Password, topology.SentinelPassword);
        using var activities = new ActivityCollector();
        using var host = RedisTestHost.Build(topology.HostConfiguration);
        var multiplexer = host.Services.GetRequiredService<IConnectionMultiplexer>();
        var database = multiplexer.GetDatabase();
        var meterFactory = host.Services.GetRequiredService<IMeterFactory>();
        using var failovers = new MetricCollector<long>(meterFactory, RedisTelemetry.SourceName, RedisTelemetry.FailoversCounter);
        using var durations = new MetricCollector<double>(meterFactory, RedisTelemetry.SourceName, RedisTelemetry.FailoverDurationHistogram);
        await TestWait.For(database.StringSetAsync("vibez:test:failover", "before"), "a SET to the first master");

        // The clock starts when the client loses the master, not at DEBUG SEGFAULT: a crashing Redis writes its
        // crash report before the socket closes, and that time is not the failover's.
        var clock = new Stopwatch();
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        multiplexer.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive && e.EndPoint is not null && RedisEndPointFormatter.Format(e.EndPoint) == $"127.0.0.1:{master.Port}")
            {
                clock.Start();
                lost.TrySetResult();
            }
        };
        // When the sentinels announce the new master; from then on, the time is the client's.
        var switchedAt = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sentinelConnection = host.Services.GetRequiredService<RedisConnector>().Sentinels!;
        await sentinelConnection.GetSubscriber().SubscribeAsync(RedisChannel.Literal("+switch-master"), (_, _) => switchedAt.TrySetResult(clock.Elapsed));

        await RedisCli.RunAsync(master.Port, password, "DEBUG", "SEGFAULT");
        await TestWait.For(lost.Task, $"ConnectionFailed for the crashed master 127.0.0.1:{master.Port}");
        await TestWait.Until(
            async () => (await database.StringSetAsync("vibez:test:failover", "after").WaitAsync(TimeSpan.FromSeconds(1)), "SET returned false"),
            "a SET to succeed after the master crashed");
        var writesBackAfter = clock.Elapsed;

        var oldMaster = $"127.0.0.1:{master.Port}";
        var newMaster = $"127.0.0.1:{replica.Port}";
        var logs = host.Services.GetFakeLogCollector();
        await TestWait.Until(
            () => Task.FromResult((logs.GetSnapshot().Any(r => r.Id.Name == "RedisFailoverCompleted"), string.Join(" | ", logs.GetSnapshot().Select(r => r.Message)))),
            "the 'Redis failover completed' log");

        var completed = Assert.Single(logs.GetSnapshot(), r => r.Id.Name == "RedisFailoverCompleted");
        Assert.StartsWith($"Redis failover completed: master moved from {oldMaster} to {newMaster} in ", completed.Message);
        await TestWait.Until(
            () => Task.FromResult((activities.For(oldMaster).Any(a => a.OperationName == RedisTelemetry.FailoverActivity), string.Join(", ", activities.For(oldMaster).Select(a => a.OperationName)))),
            "the failover span");
        var span = Assert.Single(activities.For(oldMaster), a => a.OperationName == RedisTelemetry.FailoverActivity);
        Assert.Equal(newMaster, span.GetTagItem(RedisTelemetry.NewMasterTag));
        Assert.Equal(1, failovers.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.InRange(Assert.Single(durations.GetMeasurementSnapshot()).Value, 1, 30_000);
        var switched = await TestWait.For(switchedAt.Task, "+switch-master from the sentinels");
        Assert.True(
            writesBackAfter - switched <= TimeSpan.FromSeconds(1),
            $"Writes came back {(writesBackAfter - switched).TotalMilliseconds:0} ms after the sentinels announced the new master; expected within 1 s.");

        // Down-after + 3 s is the target; Redis itself may add up to 1 s (SENTINEL_MAX_DESYNC) before a sentinel
        // starts the failover, a random delay that keeps sentinels from starting at once, so the bound allows it.
        Assert.True(
            writesBackAfter <= TimeSpan.FromMilliseconds(DownAfterMilliseconds + 3000 + 1000),
            $"Writes came back {writesBackAfter.TotalMilliseconds:0} ms after the master was lost (sentinels switched at {switched.TotalMilliseconds:0} ms); expected within down-after ({DownAfterMilliseconds} ms) + 3 s + 1 s of sentinel desync. Sentinel 1 said:\n{sentinels[0].Output}");
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Message.Contains(password, StringComparison.Ordinal) || r.Message.Contains(sentinelPassword, StringComparison.Ordinal));
    }
}
