using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using VibeZ.Redis.Configuration;
using VibeZ.Redis.Connection;
using VibeZ.Redis.Resilience;

namespace VibeZ.Redis.Tests.Sentinel;

[Trait("Category", "Integration")]
[Trait("Timing", "Alone")]
[Collection(nameof(TimingSensitive))]
public sealed class RedisSentinelHungMasterTests
{
    private const int AttemptTimeoutMilliseconds = 1000;
    private const int TotalTimeoutSeconds = 30;

    // System timers may fire a clock tick before their due time.
    private static readonly TimeSpan TimerTolerance = TimeSpan.FromMilliseconds(20);

    [Fact]
    public async Task HungMasterIsFailedOverAndNoLongerUsed()
    {
        await using var topology = await SentinelProcesses.StartAsync();
        var oldMaster = $"127.0.0.1:{topology.Master.Port}";
        var newMaster = $"127.0.0.1:{topology.Replica.Port}";
        // A budget far beyond the failover, so an operation that ends near the failover was not ended by the budget.
        using var host = RedisTestHost.Build(
            builder => builder.AddVibeZRedisResilience(),
            [.. topology.HostConfiguration,
                ("Redis:Resilience:TotalTimeoutSeconds", TotalTimeoutSeconds.ToString(CultureInfo.InvariantCulture)),
                ("Redis:Resilience:AttemptTimeoutMilliseconds", AttemptTimeoutMilliseconds.ToString(CultureInfo.InvariantCulture))]);
        var multiplexer = host.Services.GetRequiredService<IConnectionMultiplexer>();
        var resilience = host.Services.GetRequiredService<IRedisResilience>();
        var database = multiplexer.GetDatabase();
        await TestWait.For(database.StringSetAsync("vibez:test:hung", "before"), "a SET to the first master");

        var switchedAt = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = new Stopwatch();
        var sentinelConnection = host.Services.GetRequiredService<RedisConnector>().Sentinels!;
        await sentinelConnection.GetSubscriber().SubscribeAsync(RedisChannel.Literal("+switch-master"), (_, _) => switchedAt.TrySetResult(clock.Elapsed));

        // DEBUG SLEEP blocks the master's only thread, as a hung host would, while its sockets stay open (unlike a crash,
        // nothing tells the client the master is gone). The clock starts before the command is sent; SleepAsync returns
        // once the master has taken it without refusing, so it sleeps by the time the operations below are sent.
        clock.Start();
        var sleptAt = DateTime.Now;
        await topology.Master.SleepAsync(30);
        var stuckSentAt = clock.Elapsed;

        // Both sent to the hung master and stuck in its socket: the one that must not be repeated must end as a failure,
        // never as a success; the idempotent one must be retried on the new master once that failure is known.
        var stuck = resilience.ExecuteOnceAsync("test.hung.once", (db, _) => db.StringSetAsync("vibez:test:hung", "stuck"), TestContext.Current.CancellationToken);
        var sends = 0;
        var retried = resilience.ExecuteIdempotentAsync(
            "test.hung.write",
            (db, _) =>
            {
                Interlocked.Increment(ref sends);
                return db.StringSetAsync("vibez:test:hung", "after");
            },
            TestContext.Current.CancellationToken);

        var switched = await TestWait.For(switchedAt.Task, $"+switch-master from the sentinels, away from the hung {oldMaster}");
        Assert.Equal(newMaster, await topology.MasterAddressAsync());
        Assert.True(await TestWait.For(retried, "the idempotent SET sent to the hung master to be retried on the new one"), "the retried SET returned false");
        var writesBackAfter = clock.Elapsed;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"Sentinels switched {switched.TotalMilliseconds:0} ms after DEBUG SLEEP; the idempotent write succeeded at {writesBackAfter.TotalMilliseconds:0} ms after {Volatile.Read(ref sends)} send(s).");

        // Every attempt on the hung master was given up at the attempt timeout and sent again, so the write succeeded
        // within an attempt timeout of the switch rather than when the 30 s budget ran out.
        Assert.True(
            Volatile.Read(ref sends) >= 2,
            $"The idempotent write was sent {Volatile.Read(ref sends)} time(s); its first attempt, stuck on the hung master from {stuckSentAt.TotalMilliseconds:0} ms until the switch at {switched.TotalMilliseconds:0} ms, should have been given up at the {AttemptTimeoutMilliseconds} ms attempt timeout and sent again.");
        Assert.True(
            writesBackAfter - switched <= TimeSpan.FromMilliseconds(AttemptTimeoutMilliseconds),
            $"Writes came back {(writesBackAfter - switched).TotalMilliseconds:0} ms after the sentinels announced the new master; expected within the attempt timeout ({AttemptTimeoutMilliseconds} ms), far short of the {TotalTimeoutSeconds} s budget.");

        // Down-after + 4 s is the target; a hung master is noticed only when a sentinel PING goes unanswered (sentinels
        // ping every second) and Redis adds up to 1 s (SENTINEL_MAX_DESYNC) before starting a failover, so the bound allows both.
        Assert.True(
            writesBackAfter <= TimeSpan.FromMilliseconds(SentinelProcesses.DownAfterMilliseconds + 4000 + 2000),
            $"Writes came back {writesBackAfter.TotalMilliseconds:0} ms after DEBUG SLEEP at {sleptAt:HH:mm:ss.fff} (the client heard +switch-master at {switched.TotalMilliseconds:0} ms from the sentinel on {sentinelConnection.GetSubscriber().SubscribedEndpoint(RedisChannel.Literal("+switch-master"))}); expected within down-after + 4 s + 2 s of sentinel ping interval and desync. The sentinels said:\n{SwitchLines(topology)}");

        // Never sent twice, and reported at its attempt timeout, before the sentinels even switched: nothing better is
        // known about a write stuck on a hung master than that its outcome is unknown.
        var stuckFailure = await Record.ExceptionAsync(() => TestWait.For(stuck, "the SET sent once to the hung master to end"));
        var unavailable = Assert.IsType<RedisUnavailableException>(stuckFailure);
        Assert.Equal(1, unavailable.Attempts);
        Assert.Contains("outcome unknown", unavailable.Message);
        var stuckEndedAt = stuckSentAt + unavailable.Elapsed;
        Assert.True(
            unavailable.Elapsed >= TimeSpan.FromMilliseconds(AttemptTimeoutMilliseconds) - TimerTolerance && stuckEndedAt < switched,
            $"The SET run once on the hung master ended after {unavailable.Elapsed.TotalMilliseconds:0} ms, {stuckEndedAt.TotalMilliseconds:0} ms after DEBUG SLEEP (the client heard the switch at {switched.TotalMilliseconds:0} ms); expected at its {AttemptTimeoutMilliseconds} ms attempt timeout, before the switch could end it. It said: {unavailable.Message}");

        // Once switched, every new command goes to the new master: the key's endpoint is the new master's, and writes
        // answer at once although the old master still sleeps (it could not answer one).
        for (var i = 0; i < 20; i++)
        {
            var endPoint = await database.IdentifyEndpointAsync("vibez:test:hung");
            Assert.Equal(newMaster, endPoint is null ? null : RedisEndPointFormatter.Format(endPoint));
            var write = await resilience.ExecuteIdempotentAsync("test.hung.write", (db, _) => db.StringSetAsync("vibez:test:hung", "after-" + i), TestContext.Current.CancellationToken)
                .WaitAsync(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
            Assert.True(write, $"write {i} after the switch returned false");
        }

        var logs = host.Services.GetFakeLogCollector();
        await TestWait.Until(
            () => Task.FromResult((logs.GetSnapshot().Any(r => r.Id.Name == "RedisFailoverCompleted"), string.Join(" | ", logs.GetSnapshot().Select(r => r.Message)))),
            "the 'Redis failover completed' log");
        var clientLogs = logs.GetSnapshot().Where(r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Information && r.Category != null && r.Category.StartsWith("VibeZ", StringComparison.Ordinal)).Select(r => r.Timestamp.ToString("ss.fff") + " " + r.Message).ToList();
        var completed = logs.GetSnapshot().Where(r => r.Id.Name == "RedisFailoverCompleted").ToList();
        Assert.True(
            completed.Count == 1 && completed[0].Message.StartsWith($"Redis failover completed: master moved from {oldMaster} to {newMaster} in ", StringComparison.Ordinal),
            $"Expected one 'Redis failover completed' from {oldMaster} to {newMaster}; the client logged:\n{string.Join("\n", clientLogs)}");
    }

    /// <summary>When each sentinel saw the master go down, elected a leader and switched, for a failure message.</summary>
    private static string SwitchLines(SentinelProcesses topology) => string.Join(
        "\n",
        topology.Sentinels.SelectMany(sentinel => sentinel.Output.Split('\n')
            .Where(line => line.Contains("+sdown master", StringComparison.Ordinal) || line.Contains("+odown", StringComparison.Ordinal)
                || line.Contains("+elected-leader", StringComparison.Ordinal) || line.Contains("+switch-master", StringComparison.Ordinal))
            .Select(line => $"sentinel {sentinel.Port}: {line.Trim()}")));
}
