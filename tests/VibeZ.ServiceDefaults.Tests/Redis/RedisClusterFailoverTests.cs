using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using VibeZ.ServiceDefaults.Redis;

namespace VibeZ.ServiceDefaults.Tests.Redis;

[Trait("Category", "Integration")]
[Collection(nameof(TimingSensitive))]
public sealed class RedisClusterFailoverTests
{
    private const int NodeTimeoutMilliseconds = 2000;

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
            ("Redis:Resilience:TotalTimeoutSeconds", "1"));
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
            writesBackAfter <= TimeSpan.FromMilliseconds(NodeTimeoutMilliseconds + 3000),
            $"Writes to {oldMaster}'s slots came back {writesBackAfter.TotalMilliseconds:0} ms after the crash (the move was logged after {movedAfter.TotalMilliseconds:0} ms); expected within cluster-node-timeout ({NodeTimeoutMilliseconds} ms) + 3 s. The promoted replica said:\n{cluster.Nodes.Single(n => n.Port == replicaPort).Output}");
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Message.Contains(cluster.Password, StringComparison.Ordinal));
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
