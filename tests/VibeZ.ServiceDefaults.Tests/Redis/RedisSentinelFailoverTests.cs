using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using VibeZ.ServiceDefaults.Redis;

namespace VibeZ.ServiceDefaults.Tests.Redis;

[Trait("Category", "Integration")]
[Collection(nameof(TimingSensitive))]
public sealed class RedisSentinelFailoverTests
{
    private const string Service = "mymaster";
    private const int DownAfterMilliseconds = 1500;
    private static readonly TimeSpan SetUpTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SentinelMasterCrashIsFollowedByFailoverCompletedLogASpanAndWritesAgain()
    {
        var password = "data-" + Guid.NewGuid().ToString("N");
        var sentinelPassword = "sentinel-" + Guid.NewGuid().ToString("N");
        var nodes = new List<RedisServerProcess>();
        try
        {
            var master = await StartAsync(nodes, new RedisServerProcess("redis-server", password, null, "--masterauth", password, "--enable-debug-command", "yes", "--crash-memcheck-enabled", "no"));
            var replica = await StartAsync(nodes, new RedisServerProcess(
                "redis-server", password, null, "--masterauth", password, "--enable-debug-command", "yes", "--crash-memcheck-enabled", "no", "--replicaof", "127.0.0.1", master.Port.ToString()));
            await TestWait.Until(
                async () => Seen(await RedisCli.RunAsync(replica.Port, password, "INFO", "replication"), "master_link_status:up"),
                $"replica {replica.Port} to sync with master {master.Port}", SetUpTimeout);

            var sentinelConfig = $"""
                sentinel resolve-hostnames yes
                sentinel monitor {Service} 127.0.0.1 {master.Port} 2
                sentinel down-after-milliseconds {Service} {DownAfterMilliseconds}
                sentinel failover-timeout {Service} 3000
                sentinel auth-pass {Service} {password}
                sentinel sentinel-pass {sentinelPassword}
                """;
            var sentinels = new List<RedisServerProcess>();
            for (var i = 0; i < 3; i++)
            {
                sentinels.Add(await StartAsync(nodes, new RedisServerProcess("redis-sentinel", sentinelPassword, sentinelConfig)));
            }

            // A sentinel that has not yet met the others cannot reach quorum, and one in TILT mode will not act at all.
            foreach (var sentinel in sentinels)
            {
                await TestWait.Until(
                    async () =>
                    {
                        var masterInfo = await RedisCli.RunAsync(sentinel.Port, sentinelPassword, "SENTINEL", "MASTER", Service);
                        var info = await RedisCli.RunAsync(sentinel.Port, sentinelPassword, "INFO", "sentinel");
                        var others = RedisCli.Field(masterInfo, "num-other-sentinels");
                        var replicas = RedisCli.Field(masterInfo, "num-slaves");
                        return (others == "2" && replicas == "1" && info.Contains("sentinel_tilt:0", StringComparison.Ordinal),
                            $"num-other-sentinels={others}, num-slaves={replicas}, tilt line: {info.Split('\n').FirstOrDefault(l => l.StartsWith("sentinel_tilt", StringComparison.Ordinal))?.Trim()}");
                    },
                    $"sentinel {sentinel.Port} to know 2 other sentinels and 1 replica, out of TILT", SetUpTimeout);
            }

            using var activities = new ActivityCollector();
            using var host = RedisTestHost.Build(
                ("REDIS_MODE", "sentinel"),
                ("REDIS_SENTINELS", string.Join(",", sentinels.Select(s => $"127.0.0.1:{s.Port}"))),
                ("REDIS_SENTINEL_NAME", Service),
                ("REDIS_PASSWORD", password),
                ("REDIS_SENTINEL_PASSWORD", sentinelPassword));
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
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static async Task<RedisServerProcess> StartAsync(List<RedisServerProcess> nodes, RedisServerProcess node)
    {
        nodes.Add(node);
        await node.InitializeAsync();
        return node;
    }

    private static (bool Done, string Seen) Seen(string output, string expected) =>
        (output.Contains(expected, StringComparison.Ordinal), output.ReplaceLineEndings(" ").Trim());
}
