using VibeZ.Gateway.Tests.Guarantees.Checker;
using VibeZ.Gateway.Tests.Guarantees.Faults;
using VibeZ.Gateway.Tests.Guarantees.Observations;
using VibeZ.Gateway.Tests.Guarantees.Traffic;
using VibeZ.Gateway.Tests.Infrastructure;
using VibeZ.Gateway.Tests.Integration;

namespace VibeZ.Gateway.Tests.Guarantees;

/// <summary>
/// Issue 10's silent-loss path, step by step, seen from clients only. Sentinel mode, Gateways A and B; the publisher
/// is on A, which has no subscriber; the subscriber is on B. Messages 1–20 are acked. The replica stalls, m21–m25 run
/// on the master alone (B delivers them; their publisher gets errors and gives up), B freezes, the master crashes,
/// the replica is promoted without m21–m25, the old master rejoins as a replica, n1–n5 are published through A and
/// acked, and B runs again. Every acked n must reach B's subscriber exactly once, and no position may name two
/// messages — including for clients that resume on A with <c>since</c> 20 and 25.
/// </summary>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed class SilentLossAfterFailoverTests
{
    private const string ArtifactName = "silent-loss-sentinel";

    // Past the 1 s replication timeout (the first publish is answered not_replicated), short of the Gateway's
    // resilience budget, so the others are given up on (the request is dropped) before the master crashes.
    private static readonly TimeSpan StalledPublishPatience = TimeSpan.FromSeconds(1.5);

    private static readonly TimeSpan PublishDeadline = TimeSpan.FromSeconds(30);

    // Long enough for the resumed Gateway to reconnect and for its resync timer (5 s) to fire once.
    private static readonly TimeSpan DeliveryDeadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task MessagesAckedAfterAFailoverReachASubscriberWhoseGatewayWasPausedThroughIt()
    {
        await using var topology = await GatewayTopology.StartAsync("sentinel");
        var shard = await ShardUnderTest.FindAsync(topology, 1);
        var history = new History(TimeProvider.System);
        try
        {
            await FollowThePathAsync(topology, shard, history);
        }
        finally
        {
            await RunArtifacts.WriteHistoryAsync(ArtifactName, history);
        }
    }

    private static async Task FollowThePathAsync(GatewayTopology topology, ShardUnderTest shard, History history)
    {
        var channel = shard.Channels[0];
        var run = new FaultRun(topology, shard, history);
        var gateways = new GatewaySet([topology.First, topology.Second]);
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan, DefaultRequestHeaders = { Authorization = new("Bearer", GatewayTokens.Mint()) } };
        var publisher = new HttpPublisher("publisher-a", history, gateways, home: 0, http, new AckedMessages(), probes: false);
        await using var watcher = new TrafficSubscriber("watcher-b", history, gateways, home: 1, [channel]);
        await watcher.StartAsync();

        for (var i = 1; i <= 20; i++)
        {
            await PublishUntilAckedAsync(publisher, channel, $"m{i}", history);
        }

        // The replica stalls, and m21–m25 exist on the master alone (B delivers them); their publisher gets
        // not_replicated or gives up waiting, as in the issue, and does not send them again.
        var (master, replica) = await run.StallReplicaAsync();
        await Task.WhenAll(Enumerable.Range(21, 5).Select(i => publisher.SendOnceAsync(Message(channel, $"m{i}"), 0, StalledPublishPatience)));

        // B freezes through the failover, as a long GC pause or a stalled VM would freeze it.
        topology.Second.Pause();
        run.Mark("Gateway B paused (SIGSTOP)");
        var replicas = await RedisCli.RunAsync(master.Port, master.Password, "INFO", "replication");
        Assert.True(replicas.Contains("connected_slaves:0", StringComparison.Ordinal),
            $"set-up: the stalled replica must not be connected when the master crashes, or it has m21–m25 and the path is not reached; the master says:\n{replicas}");
        var crashed = await run.CrashMasterAsync();
        run.EndStall(replica);
        await run.RejoinAsReplicaAsync(crashed);
        var counter = (await RedisCli.RunAsync(replica.Port, replica.Password, "HGET", $"vibez:{{{channel}}}:meta", "offset")).Trim();
        Assert.True(counter == "20", $"set-up: the promoted replica's counter must be at 20 (it never got m21–m25), and it is at {counter}");

        var acked = new List<string>();
        for (var i = 1; i <= 5; i++)
        {
            acked.Add(await PublishUntilAckedAsync(publisher, channel, $"n{i}", history));
        }

        topology.Second.Resume();
        run.Mark("Gateway B resumed");
        var epoch = history.Snapshot().OfType<Observation.Acked>().First(a => a.Id == "m20").Position.Epoch;
        await using var after20 = await ResumeOnAAsync(history, topology, channel, "resume-20", new Position(epoch, 20));
        await using var after25 = await ResumeOnAAsync(history, topology, channel, "resume-25", new Position(epoch, 25));

        var seen = await WaitForWatcherAsync(history, acked);
        foreach (var index in gateways.From(0))
        {
            await HistoryReader.ReadAsync(history, http, gateways, index, channel);
        }

        var report = GuaranteeChecker.Check(history.Snapshot(), Expectations.OneFault);
        var summary = $"silent-loss path: {report.Describe(perGuarantee: 30)}watcher-b, after n1–n5 were acked: {seen}";
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        await RunArtifacts.WriteAsync(ArtifactName, report.TableRow("silent-loss path (issue 10)", "sentinel"), summary, history);
        Assert.True(report.Violations.Count == 0, $"{summary}\n{topology.Logs}");
    }

    private static OutgoingMessage Message(string channel, string id) =>
        new(channel, id, System.Text.Json.JsonSerializer.Serialize(new { id }), PublishProbe.None);

    /// <summary>Publishes through A until acked (a client resending after retryable errors); fails the set-up otherwise.</summary>
    private static async Task<string> PublishUntilAckedAsync(HttpPublisher publisher, string channel, string id, History history)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Observation answer;
        do
        {
            answer = await publisher.PublishAsync(Message(channel, id));
        }
        while (answer is not Observation.Acked && answer is not Observation.Errored { Retryable: false } && clock.Elapsed < PublishDeadline);

        Assert.True(answer is Observation.Acked, $"set-up: {id} was not acked through Gateway A within {PublishDeadline.TotalSeconds:0} s; last answer: {answer}");
        return id;
    }

    private static async Task<RecordingSocket> ResumeOnAAsync(History history, GatewayTopology topology, string channel, string name, Position since)
    {
        var socket = await RecordingSocket.ConnectAsync(history, name, name + "#1", topology.First, "A", TestWait.Timeout);
        await socket.SubscribeAsync(channel, since);
        await TestWait.Until(
            () => Task.FromResult((history.Snapshot().OfType<Observation.Subscribed>().Any(s => s.Client == name), "no subscribed frame yet")),
            $"{name} to be subscribed on Gateway A after {since}");
        return socket;
    }

    /// <summary>
    /// Waits until B's subscriber got every acked n or was told <c>recovered:false</c>, or the deadline passed (the
    /// checker then says what is missing); describes what it got.
    /// </summary>
    private static async Task<string> WaitForWatcherAsync(History history, List<string> acked)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var frames = history.Snapshot().Where(o => o.Client == "watcher-b").ToList();
            var got = frames.OfType<Observation.Delivered>().Where(d => acked.Contains(d.Id)).ToList();
            var lost = frames.OfType<Observation.Subscribed>().Where(s => !s.Recovered).ToList();
            if (got.Select(d => d.Id).Distinct().Count() == acked.Count || lost.Count > 0 || clock.Elapsed > DeliveryDeadline)
            {
                return $"{got.Count} deliveries of acked n's ({string.Join(", ", got.Select(d => $"{d.Id}@{d.Position}"))}), " +
                    $"{lost.Count} recovered:false, last position {frames.OfType<Observation.Delivered>().LastOrDefault()?.Position.ToString() ?? "none"}, " +
                    $"after {clock.Elapsed.TotalSeconds:0.#} s";
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
