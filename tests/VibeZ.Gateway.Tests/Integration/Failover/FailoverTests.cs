using System.Diagnostics;
using System.Text.Json.Nodes;

namespace VibeZ.Gateway.Tests.Integration.Failover;

/// <summary>
/// The promise the peers do not keep: while the Redis master crashes, a publisher sending 100 messages/s through one
/// Gateway and a subscriber on another lose nothing that was acked, see no duplicate and no gap, and publishing
/// resumes within the failover deadline. Each run gets a fresh topology.
/// </summary>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed class FailoverTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan BeforeCrash = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan AfterDeadline = TimeSpan.FromSeconds(2);

    // The "down-after-milliseconds plus 3 s", plus the up to 1 s a sentinel waits at random before it asks
    // for votes (the same allowance as the resilience layer's sentinel tests).
    private static readonly TimeSpan SentinelAllowance = TimeSpan.FromSeconds(4);

    // The "cluster-node-timeout plus 3 s", plus a replica's election delay (500 ms and up to 500 ms more at
    // random, in Redis's cluster failover), the same allowance the resilience layer's cluster tests make.
    private static readonly TimeSpan ClusterAllowance = TimeSpan.FromSeconds(4);

    // Messages become visible only once a replica has them, and the promoted master's only replica is the crashed
    // node: deliveries resume when it is back and in sync, which the supervisor below starts right after promotion.
    private static readonly TimeSpan ReplicaReturnAllowance = TimeSpan.FromSeconds(3);

    // A sentinel turns a returning old master into a replica only once it has reported itself master for 8 s (four
    // of Sentinel's 2 s publish periods); until then the promoted master has no replica, and nothing is delivered.
    private static readonly TimeSpan SentinelConvertAllowance = TimeSpan.FromSeconds(10);

    // History long enough for every offset one run hands out (its publishes and the re-sends of errored ones, fewer
    // than 5,000), so the run stays within guarantee 3 rather than 4. With the default 1,000, the publishes held up
    // during the outage become visible in one commit too long to announce live, and the burst of re-sends that follows
    // can trim them before the subscriber's Gateway reads them from history (on a loaded host it did, about one run in
    // three): it then reports the gap with recovered:false, as guarantee 4 promises, and this test would fail.
    private static readonly (string Key, string? Value)[] WholeRunInHistory =
    [
        ("Gateway__HistoryLength", "10000"),
        ("Gateway__MaxChannelHistoryBytes", "655360000"), // 64 KiB × 10,000
    ];

    [Theory]
    [InlineData("sentinel")]
    [InlineData("cluster")]
    public Task EveryAckedMessageIsDeliveredExactlyOnceAndInOrderWhileTheMasterCrashes(string mode) =>
        PublishThroughACrashAsync(mode, restartAsMaster: false);

    /// <summary>
    /// The crashed sentinel master is started again as it was configured, as an empty master (what a plain restart, or
    /// the dashboard's start button, does) while the sentinels still list it as a replica. The Gateways must not write
    /// to it: subscribers see no new epoch, and nothing acked goes missing.
    /// </summary>
    [Fact]
    public Task AnOldMasterRestartedAsAnEmptyMasterGetsNoWrites() => PublishThroughACrashAsync("sentinel", restartAsMaster: true);

    private static async Task PublishThroughACrashAsync(string mode, bool restartAsMaster)
    {
        await using var topology = await GatewayTopology.StartAsync(mode, WholeRunInHistory);
        var (channel, master, failoverDeadline) = mode == "sentinel"
            ? ("failover", await SentinelMasterAsync(topology), TimeSpan.FromMilliseconds(SentinelProcesses.DownAfterMilliseconds) + SentinelAllowance)
            : await ClusterChannelAndMasterAsync(topology);
        var deadline = failoverDeadline + ReplicaReturnAllowance + (restartAsMaster ? SentinelConvertAllowance : TimeSpan.Zero);

        await using var subscriber = await GatewayClient.ConnectAsync(topology.Second, "subscriber");
        await using var publisher = await GatewayClient.ConnectAsync(topology.First, "publisher");
        await subscriber.SubscribeAsync(channel);

        // Publish at 100 messages/s, paced by the clock, not by acks; crash the master after two seconds.
        var clock = Stopwatch.StartNew();
        long crashedAt = 0;
        var sent = 0;
        var restart = Task.CompletedTask;
        while (crashedAt == 0 || Stopwatch.GetElapsedTime(crashedAt) < deadline + AfterDeadline)
        {
            if (crashedAt == 0 && clock.Elapsed >= BeforeCrash)
            {
                crashedAt = Stopwatch.GetTimestamp();
                await RedisCli.RunAsync(master.Port, master.Password, "DEBUG", "SEGFAULT");

                // A supervisor starts the crashed server again once the topology has moved on, as a replica: that is
                // what lets the promoted master confirm replication, and so deliver and ack, again. (A sentinel-aware
                // start script asks the sentinels for the master first, as Bitnami's charts do.)
                restart = Task.Run(() => restartAsMaster ? RestartAsMasterAsync(topology, master) : RestartAsReplicaAsync(topology, master), TestContext.Current.CancellationToken);
            }

            sent++;
            await publisher.SendAsync(new { type = "publish", channel, data = new { n = sent }, id = $"p-{sent}" });
            var next = Interval * sent - clock.Elapsed;
            if (next > TimeSpan.Zero)
            {
                await Task.Delay(next, TestContext.Current.CancellationToken);
            }
        }

        var endedAt = Stopwatch.GetTimestamp();
        await TestWait.For(restart, "the crashed master to start again");

        // Every publish is answered, by an ack or a retryable error; a client sends an errored one again, same id.
        await publisher.WaitForCountAsync(IsAnswer, sent, "an ack or error for every publish", TimeSpan.FromSeconds(30));
        var retried = publisher.Frames.Where(f => GatewayClient.Is(f, "error")).Select(f => (string)f["id"]!).ToList();
        Assert.All(publisher.Frames.Where(f => GatewayClient.Is(f, "error")), e => Assert.True((bool)e["retryable"]!, $"a publish failed for good: {e.ToJsonString()}"));
        foreach (var id in retried)
        {
            await publisher.SendAsync(new { type = "publish", channel, data = new { n = int.Parse(id[2..]) }, id });
        }

        await publisher.WaitForCountAsync(IsAnswer, sent + retried.Count, "answers to the re-sent publishes", TimeSpan.FromSeconds(30));
        var acked = publisher.Frames.Where(f => GatewayClient.Is(f, "ack")).Select(f => (string)f["id"]!).ToHashSet();

        try
        {
            await subscriber.WaitForCountAsync(f => GatewayClient.IsMessage(f, channel) && acked.Contains((string)f["id"]!), acked.Count,
                "every acked message at the subscriber on the other Gateway", TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException missing)
        {
            // An acked message that never arrives is the loss the Guarantees rule out: keep what the Gateways said.
            throw new TimeoutException($"{missing.Message}\n{topology.Logs}", missing);
        }

        var messages = subscriber.Frames.Where(f => GatewayClient.IsMessage(f, channel)).ToList();
        var offsets = messages.Select(m => (long)m["offset"]!).ToList();

        Assert.True(offsets.SequenceEqual(Enumerable.Range(1, offsets.Count).Select(i => (long)i)),
            $"offsets are not 1..{offsets.Count} without gaps or duplicates: {Describe(offsets)}\n{topology.Logs}");
        Assert.Equal(messages.Count, messages.Select(m => (string)m["id"]!).Distinct().Count());
        Assert.Single(messages.Select(m => (string)m["epoch"]!).Distinct());
        Assert.DoesNotContain(subscriber.Frames, f => GatewayClient.Is(f, "subscribed") && (bool)f["recovered"]! == false);

        // Publishing resumes when messages flow from the publisher to the subscriber again. Acks resume once the
        // promoted master has a replica to confirm them (here: the crashed node, restarted), so they are reported.
        var outage = LongestSilence(subscriber, f => GatewayClient.IsMessage(f, channel), crashedAt, endedAt);
        var ackOutage = LongestSilence(publisher, f => GatewayClient.Is(f, "ack"), crashedAt, endedAt);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{mode}: {sent} sent, {acked.Count} acked, {retried.Count} re-sent after errors, {messages.Count} delivered; " +
            $"deliveries stopped for {outage.TotalMilliseconds:0} ms, acks for {ackOutage.TotalMilliseconds:0} ms (deadline {deadline.TotalMilliseconds:0} ms)");
        Assert.True(outage <= deadline, $"deliveries stopped for {outage.TotalMilliseconds:0} ms after the crash; the deadline is {deadline.TotalMilliseconds:0} ms\n{topology.Logs}");
        Assert.True(ackOutage < Stopwatch.GetElapsedTime(crashedAt, endedAt), "no publish sent after the crash was acked before publishing stopped");

        Assert.DoesNotContain("started a new epoch", topology.Logs);
        if (restartAsMaster)
        {
            // Once the sentinels made the restarted node a replica of the new master, the client may use it again.
            await TestWait.Until(
                () => Task.FromResult((topology.First.Output.Contains("is no longer fenced"), "the publishing Gateway still fences the old master")),
                "the fence on the old master to lift", TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Starts <paramref name="crashed"/> again as configured, a master, as soon as the sentinels promoted its replica.</summary>
    private static async Task RestartAsMasterAsync(GatewayTopology topology, RedisServerProcess crashed)
    {
        crashed.Kill();
        await TestWait.Until(
            async () =>
            {
                var address = await topology.Sentinel!.MasterAddressAsync();
                return (!address.EndsWith($":{crashed.Port}", StringComparison.Ordinal), $"the sentinels name {address}");
            },
            "the sentinels to promote the replica");
        await crashed.StartAsync();
    }

    /// <summary>Once its replica was promoted, starts <paramref name="crashed"/> again as a replica of its successor.</summary>
    internal static async Task RestartAsReplicaAsync(GatewayTopology topology, RedisServerProcess crashed)
    {
        crashed.Kill();
        if (topology.Sentinel is { } sentinel)
        {
            var promoted = 0;
            await TestWait.Until(
                async () =>
                {
                    var address = await sentinel.MasterAddressAsync();
                    promoted = int.Parse(address[(address.LastIndexOf(':') + 1)..]);
                    return (promoted != crashed.Port, $"the sentinels name {address}");
                },
                "the sentinels to promote the replica");
            await crashed.StartAsync("--replicaof", "127.0.0.1", promoted.ToString());
            return;
        }

        await topology.Cluster!.RestartAsReplicaAsync(crashed);
    }

    private static bool IsAnswer(JsonObject frame) => GatewayClient.Is(frame, "ack") || GatewayClient.Is(frame, "error");

    /// <summary>The longest time without a matching frame between the crash and the last publish.</summary>
    private static TimeSpan LongestSilence(GatewayClient client, Func<JsonObject, bool> match, long crashedAt, long endedAt)
    {
        var longest = TimeSpan.Zero;
        var previous = crashedAt;
        var arrivals = client.TimedFrames.Where(f => match(f.Frame) && f.Timestamp > crashedAt && f.Timestamp < endedAt).Select(f => f.Timestamp);
        foreach (var timestamp in arrivals.Append(endedAt))
        {
            var gap = Stopwatch.GetElapsedTime(previous, timestamp);
            longest = gap > longest ? gap : longest;
            previous = timestamp;
        }

        return longest;
    }

    private static string Describe(List<long> offsets)
    {
        var problems = offsets.Select((offset, i) => (offset, expected: i + 1L)).Where(p => p.offset != p.expected).Take(5);
        return string.Join(", ", problems.Select(p => $"#{p.expected} is {p.offset}"));
    }

    internal static async Task<RedisServerProcess> SentinelMasterAsync(GatewayTopology topology)
    {
        var address = await topology.Sentinel!.MasterAddressAsync();
        var port = int.Parse(address[(address.LastIndexOf(':') + 1)..]);
        return new[] { topology.Sentinel.Master, topology.Sentinel.Replica }.Single(node => node.Port == port);
    }

    /// <summary>A channel and the master that owns its slot, which the test crashes.</summary>
    private static async Task<(string Channel, RedisServerProcess Master, TimeSpan Deadline)> ClusterChannelAndMasterAsync(GatewayTopology topology)
    {
        const string channel = "failover";
        var cluster = topology.Cluster!;
        var any = cluster.Nodes[0];
        var slot = int.Parse((await RedisCli.RunAsync(any.Port, cluster.Password, "CLUSTER", "KEYSLOT", $"vibez:{{{channel}}}:meta")).Trim());
        var nodes = await RedisCli.RunAsync(any.Port, cluster.Password, "CLUSTER", "NODES");
        var owner = nodes.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .Single(fields => fields[2].Contains("master") && fields.Skip(8).Any(range => Covers(range, slot)));
        var port = int.Parse(owner[1].Split('@')[0].Split(':')[1]);
        return (channel, cluster.Nodes.Single(node => node.Port == port), TimeSpan.FromMilliseconds(GatewayTopology.ClusterNodeTimeoutMilliseconds) + ClusterAllowance);

        static bool Covers(string range, int slot)
        {
            var bounds = range.Split('-');
            return bounds.Length == 2 && int.TryParse(bounds[0], out var from) && int.TryParse(bounds[1], out var to) && from <= slot && slot <= to;
        }
    }
}
