using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VibeZ.Channels.Broadcasts;
using VibeZ.Testing.Processes;

namespace VibeZ.Worker.Tests.Cluster;

/// <summary>
/// A failover of the shard that holds both the broadcasts (<c>{all}</c>) and their channel, on the six-node cluster:
/// 100 broadcasts due from 1 s before to 3 s after its master crashes (<c>DEBUG SEGFAULT</c>; its replica is promoted
/// and the crashed node rejoins as a replica) are each in the channel exactly once — no duplicate id, offsets 1..100
/// without a gap, one epoch — and read as <c>delivered</c> at that offset.
/// </summary>
/// <remarks>
/// A <c>202</c> is sent only once a replica confirmed the broadcast (<c>Gateway:Durability=Replicated</c>, the
/// default), so the asynchronous-replication window cannot hold an accepted broadcast and the test asserts zero loss;
/// it counts and prints any accepted broadcast never delivered before failing, so a loss is never silent. The
/// channel is read from history through the other Gateway (what every subscriber's resync reads); fan-out to
/// WebSocket subscribers during a failover is what <c>BroadcastFailoverTests</c> checks in sentinel mode.
/// </remarks>
[Trait("Category", "Integration")]
public sealed class ClusterBroadcastFailoverTests
{
    private const int Count = 100;

    // Room for 100 POSTs, each confirmed by a replica, on a loaded machine before the first one falls due.
    private static readonly TimeSpan SchedulingBudget = TimeSpan.FromSeconds(4);

    // Failover (cluster-node-timeout 2 s plus the election), the crashed node's return as a replica (the promoted
    // master takes no writes until it has one), the Worker's retry and reclaim (10 s visibility timeout), 100 publishes.
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task BroadcastsDueAroundACrashOfTheMasterOwningTheirSlotsAreEachInTheChannelExactlyOnce()
    {
        await using var topology = await GatewayTopology.StartAsync("cluster");
        var cluster = topology.Cluster!;
        await using var worker = await ServiceProcess.StartAsync(ServiceProcess.BuildOutput("VibeZ.Worker"), "/health", topology.RedisSettings, TimeSpan.FromSeconds(30));
        var (master, slots) = await cluster.ShardOfKeyAsync(BroadcastKeys.Stream.ToString());
        var channel = await ChannelOnShardAsync(cluster, slots);

        var schedule = await BroadcastsAroundCrash.ScheduleAsync(topology.First.Http, channel, "fo", Count, SchedulingBudget, Ct);
        var accepted = schedule.Accepted;

        await Task.Delay(schedule.CrashAt - DateTimeOffset.UtcNow, Ct);
        var beforeCrash = (await HistoryAsync(topology.Second.Http, channel)).Count;
        var crashed = Stopwatch.GetTimestamp();
        await RedisCli.RunAsync(master.Port, cluster.Password, "DEBUG", "SEGFAULT");
        await TestWait.For(cluster.RestartAsReplicaAsync(master), $"the crashed master {master.Port} to start again as a replica of the promoted one");

        var messages = new List<(string Id, long Offset, string Epoch)>();
        try
        {
            await TestWait.Until(async () =>
            {
                messages = await HistoryAsync(topology.Second.Http, channel);
                return (accepted.IsSubsetOf(messages.Select(m => m.Id)), $"{messages.Count} messages in {channel}");
            }, $"all {Count} accepted broadcasts in {channel}", DeliveryTimeout);
        }
        catch (TimeoutException)
        {
            // Not thrown yet: the counts below name what is lost, and the assertions fail with them.
        }

        var allIn = Stopwatch.GetElapsedTime(crashed);
        messages = await HistoryAsync(topology.Second.Http, channel);
        var delivered = DeliveredBroadcasts.Check(accepted, messages);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"shard of {{all}} and {channel}: master {master.Port}, slots {string.Join(' ', slots.Select(r => $"{r.From}-{r.To}"))}; " +
            $"{delivered.Summary(accepted.Count)} ({beforeCrash} before the crash); all in the channel {allIn.TotalSeconds:0.0} s after the crash");

        var logs = $"{topology.Logs}\n--- worker ---\n{worker.Output}";
        Assert.True(delivered.Lost.Count == 0,
            $"{delivered.Lost.Count} accepted broadcasts were never delivered (a 202 waits for a replica, so the asynchronous-replication window holds none): " +
            $"{string.Join(", ", delivered.Lost.Take(20))}\n{logs}");
        Assert.True(delivered.Duplicates.Count == 0, $"{delivered.Duplicates.Count} broadcasts are in the channel twice: {string.Join(", ", delivered.Duplicates.Take(20))}");
        Assert.True(delivered.OffsetGaps.Count == 0, $"offsets are not 1..{messages.Count}: {string.Join(", ", delivered.OffsetGaps)}");
        Assert.Equal(1, delivered.Epochs);

        await ScheduledBroadcasts.WaitUntilDeliveredAtAsync(topology.First.Http, messages.ToDictionary(m => m.Id, m => m.Offset), TimeSpan.FromSeconds(30));
    }

    /// <summary>A channel whose keys hash into <paramref name="slots"/>, so one crash hits the broadcasts and their channel.</summary>
    private static async Task<string> ChannelOnShardAsync(RedisClusterProcesses cluster, (int From, int To)[] slots)
    {
        for (var i = 0; i < 100; i++)
        {
            var slot = await cluster.SlotOfAsync($"vibez:{{bc-fo-{i}}}:meta");
            if (slots.Any(range => range.From <= slot && slot <= range.To))
            {
                return $"bc-fo-{i}";
            }
        }

        throw new InvalidOperationException($"None of bc-fo-0..99 hashes into slots {string.Join(' ', slots.Select(r => $"{r.From}-{r.To}"))}.");
    }

    private static async Task<List<(string Id, long Offset, string Epoch)>> HistoryAsync(HttpClient gateway, string channel)
    {
        var page = (await gateway.GetFromJsonAsync<JsonObject>($"/api/channels/{channel}/messages?since=0", Ct))!;
        return [.. page["messages"]!.AsArray().Select(m => ((string)m!["id"]!, (long)m["offset"]!, (string)m["epoch"]!))];
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
