using System.Diagnostics;
using System.Text.RegularExpressions;

namespace VibeZ.Gateway.Tests.Integration.Failover;

/// <summary>
/// The cluster failover test of docs/redis/resilience-cluster.md as a new user runs it: its six-node cluster (<c>cluster-node-timeout 5000</c>), one
/// Gateway with its settings (the masters as seeds) and nobody connected, then <c>DEBUG SEGFAULT</c> on a master. The
/// Gateway runs with the log levels it ships with, so its log is what an operator would read.
/// </summary>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed partial class ClusterIdleTests
{
    private const int NodeTimeoutMilliseconds = 5000;

    // The issue's bound: within cluster-node-timeout + 5 s of the crash.
    private static readonly TimeSpan MoveBound = TimeSpan.FromMilliseconds(NodeTimeoutMilliseconds) + TimeSpan.FromSeconds(5);

    private static readonly TimeSpan DeadFor = TimeSpan.FromSeconds(30);

    // The crash, the takeover and its slot move take some lines; a node that stays down must not add a line per attempt.
    private const int MaxLinesWhileDead = 40;

    // Timed against a bound with little to spare (Redis alone takes node-timeout plus an election), so it runs alone:
    // beside the other assemblies' topologies the cluster itself once took 9.5 of the 10 s to promote the replica.
    [Theory]
    [Trait("Timing", "Alone")]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    public async Task IdleClusterServiceLogsSlotMoveAfterMasterCrash(string seedHost)
    {
        await using var cluster = await RedisClusterProcesses.StartAsync(NodeTimeoutMilliseconds);
        var (masterPort, replicaPort, ranges) = await cluster.MasterOfSlotZeroAsync(cluster.Nodes[0].Port);
        await using var gateway = await GatewayProcess.StartAsync(await cluster.MasterSeedConfigurationAsync(seedHost), shippedLogLevels: true);

        await RedisCli.RunAsync(masterPort, cluster.Password, "DEBUG", "SEGFAULT");
        var clock = Stopwatch.StartNew();
        var promoted = PromotedAfterAsync(cluster, replicaPort, clock);

        var expected = ranges.Select(r => $"Redis cluster slot moved: slots {r.From}-{r.To} from 127.0.0.1:{masterPort} to 127.0.0.1:{replicaPort}").ToList();
        await TestWait.Until(
            () => Task.FromResult((expected.All(gateway.Output.Contains), $"{SlotMovedCount(gateway.Output)} slot moved lines")),
            $"the idle Gateway to log {string.Join(", ", expected)}",
            TimeSpan.FromSeconds(30));
        var movedAfter = clock.Elapsed;
        var promotedAfter = await TestWait.For(promoted, $"replica 127.0.0.1:{replicaPort} to be promoted");
        TestContext.Current.TestOutputHelper?.WriteLine($"Replica promoted {promotedAfter.TotalMilliseconds:0} ms after the crash; slot move logged after {movedAfter.TotalMilliseconds:0} ms.");
        Assert.True(
            movedAfter <= MoveBound,
            $"The idle Gateway logged the slot move {movedAfter.TotalMilliseconds:0} ms after the crash; expected within cluster-node-timeout + 5 s ({MoveBound.TotalMilliseconds:0} ms); the replica was promoted after {promotedAfter.TotalMilliseconds:0} ms. Its log:\n{gateway.Output}");
        Assert.Equal(expected.Count, SlotMovedCount(gateway.Output));

        // Health and the $system state follow, for whoever looks now.
        using var health = await gateway.Http.GetAsync("/health", TestContext.Current.CancellationToken);
        Assert.True(health.IsSuccessStatusCode, $"/health answered {(int)health.StatusCode} after the takeover. The Gateway's log:\n{gateway.Output}");
        await using var client = await GatewayClient.ConnectAsync(gateway, "observer");
        await client.SubscribeAsync("$system");
        var system = await client.WaitForAsync(f => GatewayClient.IsMessage(f, "$system"), "the $system state");
        Assert.Equal("connected", (string?)system["data"]!["state"]);
        Assert.DoesNotContain(cluster.Password, gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeadNodeLogIsBounded()
    {
        await using var cluster = await RedisClusterProcesses.StartAsync(NodeTimeoutMilliseconds);
        var (masterPort, _, _) = await cluster.MasterOfSlotZeroAsync(cluster.Nodes[0].Port);
        await using var gateway = await GatewayProcess.StartAsync(await cluster.MasterSeedConfigurationAsync("localhost"), shippedLogLevels: true);
        var before = gateway.LineCount;

        // The crashed master is never started again: the cluster fails it over, and the Gateway goes on trying it.
        await RedisCli.RunAsync(masterPort, cluster.Password, "DEBUG", "SEGFAULT");
        await Task.Delay(DeadFor, TestContext.Current.CancellationToken);
        var lines = gateway.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(before).ToList();

        var described = $"{lines.Count} lines in {DeadFor.TotalSeconds:0} s of a dead node:\n{string.Join("\n", lines)}";
        TestContext.Current.TestOutputHelper?.WriteLine(described);
        Assert.True(lines.Count <= MaxLinesWhileDead, $"Expected at most {MaxLinesWhileDead}; {described}");

        // It is still reported: its first failure, then summaries with the attempt count.
        Assert.Contains(lines, line => line.Contains($"Redis reconnecting to 127.0.0.1:{masterPort}: attempt 1 after", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains($"Redis reconnecting to 127.0.0.1:{masterPort}: attempt ", StringComparison.Ordinal) && line.Contains("attempts since the last report", StringComparison.Ordinal));
    }

    private static async Task<TimeSpan> PromotedAfterAsync(RedisClusterProcesses cluster, int replicaPort, Stopwatch clock)
    {
        await TestWait.Until(
            async () =>
            {
                var replication = await RedisCli.RunAsync(replicaPort, cluster.Password, "INFO", "replication");
                return (replication.Contains("role:master", StringComparison.Ordinal), replication.ReplaceLineEndings(" ").Trim());
            },
            $"replica 127.0.0.1:{replicaPort} to be promoted",
            TimeSpan.FromSeconds(30));
        return clock.Elapsed;
    }

    private static int SlotMovedCount(string output) => SlotMoved().Count(output);

    [GeneratedRegex("Redis cluster slot moved")]
    private static partial Regex SlotMoved();
}
