using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using VibeZ.Redis.Configuration;
using VibeZ.Redis.Resilience;

namespace VibeZ.Redis.Tests.Cluster;

[Trait("Category", "Integration")]
[Trait("Timing", "Alone")]
[Collection(nameof(TimingSensitive))]
public sealed class RedisClusterFailoverTests
{
    private const int NodeTimeoutMilliseconds = 2000;

    // Node-timeout + 3 s is the target; Redis itself has a replica wait 500 ms plus a random 0-500 ms after its master
    // is marked FAIL before it asks for votes (so replicas do not all start at once), so the bound allows that too,
    // as the sentinel tests allow for SENTINEL_MAX_DESYNC. The client's own part is asserted separately where it can be.
    internal const int ElectionDelayMilliseconds = 1000;

    // System timers may fire a clock tick before their due time.
    private static readonly TimeSpan TimerTolerance = TimeSpan.FromMilliseconds(20);

    [Fact]
    public async Task ClusterMasterCrashIsFollowedBySlotMovedLogsPerRangeAndWritesAgain()
    {
        await using var cluster = await RedisClusterProcesses.StartAsync(NodeTimeoutMilliseconds);
        var (masterPort, replicaPort, ranges) = await cluster.MasterOfSlotZeroAsync(cluster.Nodes[0].Port);
        var oldMaster = $"127.0.0.1:{masterPort}";
        var newMaster = $"127.0.0.1:{replicaPort}";

        using var host = RedisTestHost.Build(
            ("REDIS_MODE", "cluster"),
            ("REDIS_CLUSTER_NODES", string.Join(",", cluster.Nodes.Select(n => $"127.0.0.1:{n.Port}"))),
            ("REDIS_PASSWORD", cluster.Password),
            // Each write gives up after a second and the wait below sends a fresh one, so the time measured is when
            // writes work again rather than when a long retry schedule next happened to try.
            ("Redis:Resilience:TotalTimeoutSeconds", "1"),
            ("Redis:Resilience:AttemptTimeoutMilliseconds", "1000"));
        var multiplexer = host.Services.GetRequiredService<IConnectionMultiplexer>();
        var resilience = host.Services.GetRequiredService<IRedisResilience>();
        var logs = host.Services.GetFakeLogCollector();

        // Enough keys that every master, and every one of the victim's ranges, gets some.
        var keys = Enumerable.Range(0, 512).Select(i => (RedisKey)$"vibez:test:cluster:{i}").ToList();
        await TestWait.For(Task.WhenAll(keys.Select(key => WriteAsync(resilience, key, "before"))), "writes of 512 keys across all masters");
        var victimKeys = keys.Where(key => ranges.Any(r => multiplexer.GetHashSlot(key) is var slot && slot >= r.From && slot <= r.To)).ToList();
        Assert.NotEmpty(victimKeys);

        // redis-cli sees the connection close when the server dies: the crash has happened when it returns.
        await RedisCli.RunAsync(masterPort, cluster.Password, "DEBUG", "SEGFAULT");
        var crashedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();

        // A fresh round of writes every 100 ms, each on its own, so the first round to succeed tells when writes
        // worked again, not when a round that started during the outage finished its retries.
        var sample = victimKeys.Take(20).ToList();
        var writesBack = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var rounds = new List<Task>();
        var lastFailures = "no round finished yet";
        while (!writesBack.Task.IsCompleted && clock.Elapsed < TestWait.Timeout)
        {
            rounds.Add(Task.Run(async () =>
            {
                var results = await Task.WhenAll(sample.Select(key => WriteAsync(resilience, key, "after")));
                if (results.All(ok => ok))
                {
                    writesBack.TrySetResult(clock.Elapsed);
                }
                else
                {
                    lastFailures = $"{results.Count(ok => !ok)} of {sample.Count} writes failed";
                }
            }, TestContext.Current.CancellationToken));
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        var writesBackAfter = await TestWait.For(writesBack.Task, $"writes to the slots of the crashed master {oldMaster} to succeed again (last round: {lastFailures})");
        await TestWait.For(Task.WhenAll(rounds), "the rounds of writes still under way to finish");

        string[] SlotMovedLines() => [.. logs.GetSnapshot().Where(IsSlotMoved).Select(r => r.Message)];
        var expected = ranges.Select(r => $"Redis cluster slot moved: slots {r.From}-{r.To} from {oldMaster} to {newMaster}").ToList();
        await TestWait.Until(
            () => Task.FromResult((expected.All(SlotMovedLines().Contains), string.Join(" | ", SlotMovedLines()))),
            $"'Redis cluster slot moved' for {string.Join(", ", expected)}");

        // Late redirects or topology reads must not report the same move again.
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        Assert.Equal(expected.Order(), SlotMovedLines().Order());
        var movedAfter = logs.GetSnapshot().First(IsSlotMoved).Timestamp - crashedAt;
        TestContext.Current.TestOutputHelper?.WriteLine($"Writes back after {writesBackAfter.TotalMilliseconds:0} ms, move logged after {movedAfter.TotalMilliseconds:0} ms.");
        Assert.True(
            writesBackAfter <= TimeSpan.FromMilliseconds(NodeTimeoutMilliseconds + 3000 + ElectionDelayMilliseconds),
            $"Writes to {oldMaster}'s slots came back {writesBackAfter.TotalMilliseconds:0} ms after the crash (the move was logged after {movedAfter.TotalMilliseconds:0} ms); expected within cluster-node-timeout ({NodeTimeoutMilliseconds} ms) + 3 s + {ElectionDelayMilliseconds} ms of election delay. The promoted replica said:\n{cluster.Nodes.Single(n => n.Port == replicaPort).Output}");
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Message.Contains(cluster.Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task HungClusterMasterIsGivenUpAtTheAttemptTimeoutAndWritesReachThePromotedReplica()
    {
        const int attemptTimeoutMilliseconds = 1000;
        const int totalTimeoutSeconds = 30;
        await using var cluster = await RedisClusterProcesses.StartAsync(NodeTimeoutMilliseconds);
        var (masterPort, replicaPort, ranges) = await cluster.MasterOfSlotZeroAsync(cluster.Nodes[0].Port);

        // A budget far beyond the failover, so a write that ends near the failover was not ended by the budget.
        using var host = RedisTestHost.Build(
            [.. cluster.HostConfiguration,
                ("Redis:Resilience:TotalTimeoutSeconds", totalTimeoutSeconds.ToString(CultureInfo.InvariantCulture)),
                ("Redis:Resilience:AttemptTimeoutMilliseconds", attemptTimeoutMilliseconds.ToString(CultureInfo.InvariantCulture))]);
        var multiplexer = host.Services.GetRequiredService<IConnectionMultiplexer>();
        var resilience = host.Services.GetRequiredService<IRedisResilience>();
        var key = Enumerable.Range(0, 10_000).Select(i => (RedisKey)$"vibez:test:cluster-hung:{i}")
            .First(candidate => multiplexer.GetHashSlot(candidate) is var slot && ranges.Any(r => slot >= r.From && slot <= r.To));
        await TestWait.For(WriteAsync(resilience, key, "before"), $"a write to {key} on master 127.0.0.1:{masterPort}");

        // DEBUG SLEEP blocks the master's only thread, as a hung host would, while its sockets stay open, so the client
        // gets no MOVED and no closed connection, only silence. The writes below start the moment it is sent.
        var sleeping = await cluster.Nodes.Single(n => n.Port == masterPort).StartSleepingAsync(60);
        var clock = Stopwatch.StartNew();
        var promoted = WaitForPromotionAsync(cluster, replicaPort, clock);

        var sends = 0;
        var once = resilience.ExecuteOnceAsync("test.cluster-hung.once", (db, _) => db.StringSetAsync(key, "once"), TestContext.Current.CancellationToken);
        var write = resilience.ExecuteIdempotentAsync(
            "test.cluster-hung.write",
            (db, _) =>
            {
                Interlocked.Increment(ref sends);
                return db.StringSetAsync(key, "after");
            },
            TestContext.Current.CancellationToken);

        await TestWait.For(sleeping, $"master 127.0.0.1:{masterPort} to take DEBUG SLEEP 60 without refusing it");
        var onceFailure = Assert.IsType<RedisUnavailableException>(await Record.ExceptionAsync(() => TestWait.For(once, "the SET run once on the hung master to end")));

        Assert.True(await TestWait.For(write, "the idempotent SET stuck on the hung master to reach the promoted replica"), "the SET returned false");
        var writesBackAfter = clock.Elapsed;
        var promotedAfter = await TestWait.For(promoted, $"replica 127.0.0.1:{replicaPort} to be promoted");
        var value = await TestWait.For(multiplexer.GetDatabase().StringGetAsync(key), $"reading {key} back");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"Replica promoted after {promotedAfter.TotalMilliseconds:0} ms; the idempotent write succeeded after {writesBackAfter.TotalMilliseconds:0} ms and {Volatile.Read(ref sends)} send(s).");
        Assert.Equal("after", value.ToString());

        // Never sent twice, and ended by its attempt timeout, before the cluster had even promoted the replica.
        Assert.Equal(1, onceFailure.Attempts);
        Assert.Contains("outcome unknown", onceFailure.Message);
        Assert.True(
            onceFailure.Elapsed >= TimeSpan.FromMilliseconds(attemptTimeoutMilliseconds) - TimerTolerance && onceFailure.Elapsed < promotedAfter,
            $"The SET run once on the hung master ended after {onceFailure.Elapsed.TotalMilliseconds:0} ms (the replica was promoted after {promotedAfter.TotalMilliseconds:0} ms); expected at its {attemptTimeoutMilliseconds} ms attempt timeout. It said: {onceFailure.Message}");
        Assert.True(Volatile.Read(ref sends) >= 2, $"The write was sent {Volatile.Read(ref sends)} time(s); its attempt on the hung master should have been given up and sent again.");

        // A hung master's takeover brings no MOVED and no dropped connection; the re-read is what shows it.
        var logs = host.Services.GetFakeLogCollector();
        var newMaster = $"127.0.0.1:{replicaPort}";
        await TestWait.Until(
            () => Task.FromResult((logs.GetSnapshot().Any(r => IsSlotMoved(r) && r.Message.Contains($"to {newMaster}", StringComparison.Ordinal)), "no slot moved line yet")),
            $"'Redis cluster slot moved' to {newMaster}");

        // StackExchange.Redis alone keeps routing the slots to the silent master until four of its own 5 s timeouts pass
        // without a read (about 20 s), so retries alone would not help. An attempt timeout has the cluster read again;
        // that read waits for every node, the hung one included, up to the connect timeout, so the one started by
        // the first attempt timeout may end before the promotion, and the next attempt timeout starts another.
        var bound = Max(promotedAfter, TimeSpan.FromMilliseconds(attemptTimeoutMilliseconds + RedisDefaults.ConnectTimeoutMilliseconds))
            + TimeSpan.FromMilliseconds(2 * attemptTimeoutMilliseconds + 1000);
        Assert.True(
            writesBackAfter <= bound,
            $"The write succeeded {writesBackAfter.TotalMilliseconds:0} ms after the master hung (its replica was promoted after {promotedAfter.TotalMilliseconds:0} ms); expected within {bound.TotalMilliseconds:0} ms, far short of the {totalTimeoutSeconds} s budget and of StackExchange.Redis's own dead-socket detection.");
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static async Task<TimeSpan> WaitForPromotionAsync(RedisClusterProcesses cluster, int replicaPort, Stopwatch clock)
    {
        await TestWait.Until(
            async () =>
            {
                var replication = await RedisCli.RunAsync(replicaPort, cluster.Password, "INFO", "replication");
                return (replication.Contains("role:master", StringComparison.Ordinal), replication.ReplaceLineEndings(" ").Trim());
            },
            $"replica 127.0.0.1:{replicaPort} to be promoted");
        return clock.Elapsed;
    }

    private static bool IsSlotMoved(Microsoft.Extensions.Logging.Testing.FakeLogRecord record) =>
        record.Message.StartsWith("Redis cluster slot moved", StringComparison.Ordinal);

    private static async Task<bool> WriteAsync(IRedisResilience resilience, RedisKey key, string value)
    {
        try
        {
            return await resilience.ExecuteIdempotentAsync("test.cluster.write", (database, _) => database.StringSetAsync(key, value), TestContext.Current.CancellationToken);
        }
        catch (RedisUnavailableException)
        {
            return false;
        }
    }
}
