using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using StackExchange.Redis;
using VibeZ.Redis.Configuration;
using VibeZ.Redis.Connection;
using VibeZ.Redis.Health;

namespace VibeZ.Redis.Tests.Cluster;

/// <summary>
/// The cluster failover test of docs/redis/resilience-cluster.md as a new user runs it: only the masters as seeds, nobody sending anything, a master crashes.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Timing", "Alone")]
[Collection(nameof(TimingSensitive))]
public sealed class RedisClusterIdleFailoverTests
{
    private const int NodeTimeoutMilliseconds = 2000;

    // The issue's bound: the cluster needs cluster-node-timeout to mark the master failed, then elects its replica
    // (up to a second); a service that sends nothing must have learned of it within 5 s of the timeout.
    private static readonly TimeSpan Bound = TimeSpan.FromMilliseconds(NodeTimeoutMilliseconds) + TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    public async Task IdleClusterServiceLogsSlotMoveAfterMasterCrash(string seedHost)
    {
        await using var cluster = await RedisClusterProcesses.StartAsync(NodeTimeoutMilliseconds);
        var (masterPort, replicaPort, ranges) = await cluster.MasterOfSlotZeroAsync(cluster.Nodes[0].Port);
        var oldMaster = $"127.0.0.1:{masterPort}";
        var newMaster = $"127.0.0.1:{replicaPort}";

        using var host = RedisTestHost.Build(await cluster.MasterSeedConfigurationAsync(seedHost));
        await host.StartAsync(TestContext.Current.CancellationToken);
        var multiplexer = host.Services.GetRequiredService<IConnectionMultiplexer>();
        var state = host.Services.GetRequiredService<IRedisConnectionState>();
        var health = host.Services.GetRequiredService<IRedisHealthStatus>();
        var logs = host.Services.GetFakeLogCollector();
        var states = new ConcurrentQueue<RedisConnectionStatus>();
        state.Changed += change => states.Enqueue(change.Status);
        await TestWait.Until(
            () => Task.FromResult((multiplexer.GetServers().Count(server => server.IsConnected) == cluster.Nodes.Count, Describe(multiplexer))),
            "the client to be connected to all six nodes");

        // Seeds given by name and the nodes' announced addresses are one endpoint per node, not two.
        Assert.Equal(cluster.Nodes.Select(node => $"127.0.0.1:{node.Port}").Order(), multiplexer.GetEndPoints().Select(RedisEndPointFormatter.Format).Order());

        await RedisCli.RunAsync(masterPort, cluster.Password, "DEBUG", "SEGFAULT");
        var clock = Stopwatch.StartNew();

        string[] SlotMovedLines() => [.. logs.GetSnapshot().Where(IsSlotMoved).Select(r => r.Message)];
        var expected = ranges.Select(r => $"Redis cluster slot moved: slots {r.From}-{r.To} from {oldMaster} to {newMaster}").ToList();
        await TestWait.Until(
            () => Task.FromResult((expected.All(SlotMovedLines().Contains), $"{string.Join(" | ", SlotMovedLines())}; endpoints {Describe(multiplexer)}")),
            $"'Redis cluster slot moved' for {string.Join(", ", expected)} with no traffic at all",
            TimeSpan.FromSeconds(30));
        var movedAfter = clock.Elapsed;
        TestContext.Current.TestOutputHelper?.WriteLine($"Move logged after {movedAfter.TotalMilliseconds:0} ms; states: {string.Join(", ", states)}");
        Assert.True(movedAfter <= Bound, $"The move was logged {movedAfter.TotalMilliseconds:0} ms after the crash; expected within {Bound.TotalMilliseconds:0} ms.");

        // What the process reports follows: reconnecting while the master's slots had no owner, connected after.
        Assert.Equal([RedisConnectionStatus.Reconnecting, RedisConnectionStatus.Connected], states);
        Assert.Equal(RedisConnectionStatus.Connected, state.Current.Status);
        await TestWait.Until(
            async () => await health.CheckAsync(TestContext.Current.CancellationToken) is var report ? (report.IsHealthy, report.Reason) : default,
            "the redis health check to report the cluster healthy after the takeover");

        // Later looks at the cluster must not report the same move again.
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        Assert.Equal(expected.Order(), SlotMovedLines().Order());
    }

    /// <summary>
    /// A master that never comes back is not dialed on the reconnect schedule, which starts again at 50 ms steps, once
    /// the cluster has failed it over: at most once per connection per reconnect cap (2 s). A listener on its port
    /// counts the dials; it takes each connection and closes it, so the client never gets the node back.
    /// </summary>
    [Fact]
    public async Task AFailedOverMasterIsDialedAtMostOncePerConnectionPerReconnectCap()
    {
        await using var cluster = await RedisClusterProcesses.StartAsync(NodeTimeoutMilliseconds);
        var (masterPort, _, _) = await cluster.MasterOfSlotZeroAsync(cluster.Nodes[0].Port);
        using var host = RedisTestHost.Build(await cluster.MasterSeedConfigurationAsync("127.0.0.1"));
        var multiplexer = host.Services.GetRequiredService<IConnectionMultiplexer>();
        var logs = host.Services.GetFakeLogCollector();
        await TestWait.Until(
            () => Task.FromResult((multiplexer.GetServers().Count(server => server.IsConnected) == cluster.Nodes.Count, Describe(multiplexer))),
            "the client to be connected to all six nodes");

        await RedisCli.RunAsync(masterPort, cluster.Password, "DEBUG", "SEGFAULT");
        await TestWait.Until(
            () => Task.FromResult((logs.GetSnapshot().Any(r => r.Message.StartsWith($"Redis cluster node 127.0.0.1:{masterPort} is down and the cluster moved its slots", StringComparison.Ordinal)), Describe(multiplexer))),
            $"the client to give up on 127.0.0.1:{masterPort} after its slots moved",
            TimeSpan.FromSeconds(30));

        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, masterPort);
        listener.Start();
        var window = TimeSpan.FromSeconds(10);
        var dials = 0;
        var clock = Stopwatch.StartNew();
        using (var stop = new CancellationTokenSource(window))
        {
            try
            {
                while (true)
                {
                    using var dial = await listener.AcceptTcpClientAsync(stop.Token);
                    dials++;
                }
            }
            catch (OperationCanceledException)
            {
                // The window is over.
            }
        }

        // Two connections (interactive, subscription), each at most once per 2 s window, and one window may be cut in two.
        var most = 2 * ((int)(window / TimeSpan.FromSeconds(2)) + 1);
        TestContext.Current.TestOutputHelper?.WriteLine($"{dials} dials in {clock.Elapsed.TotalSeconds:0.#} s");
        Assert.True(dials <= most, $"127.0.0.1:{masterPort} was dialed {dials} times in {window.TotalSeconds:0} s after the cluster failed it over; expected at most {most}.");
        Assert.True(dials >= 2, $"127.0.0.1:{masterPort} was dialed {dials} times in {window.TotalSeconds:0} s; it must still be tried, or it could never come back.");
    }

    private static string Describe(IConnectionMultiplexer multiplexer) =>
        string.Join(", ", multiplexer.GetServers().Select(server => $"{RedisEndPointFormatter.Format(server.EndPoint)}={(server.IsConnected ? "up" : "down")}{(server.IsReplica ? "/replica" : "")}"));

    private static bool IsSlotMoved(FakeLogRecord record) => record.Message.StartsWith("Redis cluster slot moved", StringComparison.Ordinal);
}
