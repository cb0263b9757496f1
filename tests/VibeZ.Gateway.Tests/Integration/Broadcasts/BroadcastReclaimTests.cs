using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VibeZ.Testing.Processes;

namespace VibeZ.Gateway.Tests.Integration.Broadcasts;

/// <summary>
/// Broadcasts a consumer read and never acknowledged (a Worker that died holding them) are reclaimed by a real Worker
/// after the visibility timeout and delivered once each: held by a stand-in consumer, and held by a real Worker process
/// killed with SIGKILL.
/// </summary>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed class BroadcastReclaimTests
{
    private const string Stream = "vibez:broadcasts:{all}:stream";

    // BroadcastDelivery.VisibilityTimeout: how long an entry stays with the consumer that read it before another takes it.
    private static readonly TimeSpan VisibilityTimeout = TimeSpan.FromSeconds(10);

    // Fewer than the Worker's batch (64), so one promotion and one read hand the doomed Worker all of them at once.
    private const int HeldCount = 40;

    [Fact]
    public async Task BroadcastsADeadConsumerHeldAreDeliveredOnceByAnotherWorker()
    {
        await using var topology = await GatewayTopology.StartAsync("sentinel");
        var master = topology.Sentinel!.Master;
        string[] ids = ["held-1", "held-2", "held-3"];
        foreach (var id in ids)
        {
            using var response = await topology.First.Http.PostAsync(
                "/api/broadcasts", ProtocolTests.Json($$"""{"id":"{{id}}","channel":"bc-held","data":"{{id}}"}"""), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        // No Worker runs yet: a stand-in consumer takes the due broadcasts into the stream and reads them, as a Worker
        // does, then "dies" without acknowledging them.
        await Cli(master, "XGROUP", "CREATE", Stream, "workers", "0", "MKSTREAM");
        foreach (var id in ids)
        {
            await Cli(master, "ZREM", "vibez:broadcasts:{all}:due", id);
            await Cli(master, "XADD", Stream, "*", "id", id);
        }

        var read = await Cli(master, "XREADGROUP", "GROUP", "workers", "dead-worker", "COUNT", "10", "STREAMS", Stream, ">");
        Assert.True(ids.All(read.Contains), $"the stand-in consumer read: {read}");

        await using var worker = await ServiceProcess.StartAsync(ServiceProcess.BuildOutput("VibeZ.Worker"), "/health", topology.RedisSettings, TimeSpan.FromSeconds(30));
        await TestWait.Until(async () =>
        {
            var states = new List<string?>();
            foreach (var id in ids)
            {
                var status = await topology.First.Http.GetFromJsonAsync<JsonObject>($"/api/broadcasts/{id}", TestContext.Current.CancellationToken);
                states.Add((string?)status!["state"]);
            }

            return (states.All(s => s == "delivered"), string.Join(",", states));
        }, "the Worker to reclaim and deliver the held broadcasts after the 10 s visibility timeout", TimeSpan.FromSeconds(30));

        var history = (await topology.First.Http.GetFromJsonAsync<JsonObject>("/api/channels/bc-held/messages?since=0", TestContext.Current.CancellationToken))!;
        Assert.Equal(ids, history["messages"]!.AsArray().Select(m => (string)m!["id"]!).Order());
        var pending = await Cli(master, "XPENDING", Stream, "workers");
        Assert.StartsWith("0", pending.Trim());
    }

    [Theory]
    [InlineData("sentinel")]
    [InlineData("cluster")]
    public async Task BroadcastsAWorkerHeldWhenKilledAreDeliveredOnceByAnotherWorkerAfterTheVisibilityTimeout(string mode)
    {
        const string channel = "bc-killed";
        var cancellation = TestContext.Current.CancellationToken;
        await using var topology = await GatewayTopology.StartAsync(mode);
        var workerAssembly = ServiceProcess.BuildOutput("VibeZ.Worker");
        await using var doomed = await ServiceProcess.StartAsync(workerAssembly, "/health", topology.RedisSettings, TimeSpan.FromSeconds(30));
        await using var subscriber = await GatewayClient.ConnectAsync(topology.Second, "subscriber");
        await subscriber.SubscribeAsync(channel);

        // All due at one instant, a few seconds ahead: the idle Worker wakes then, promotes and reads them in one go, and
        // publishes them one by one. Killing it when the first message arrives leaves the rest read and unpublished.
        var deliverAt = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(4);
        var ids = Enumerable.Range(1, HeldCount).Select(i => $"killed-{i:D2}").ToArray();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellation }, async (id, token) =>
        {
            var json = $$"""{"id":"{{id}}","channel":"{{channel}}","data":"{{id}}","deliverAt":"{{deliverAt:O}}"}""";
            using var response = await topology.First.Http.PostAsync("/api/broadcasts", ProtocolTests.Json(json), token);
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST {id} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(token)}");
        });
        Assert.True(DateTimeOffset.UtcNow < deliverAt, $"scheduling took until {DateTimeOffset.UtcNow:O}, past deliverAt {deliverAt:O}");

        await subscriber.WaitForAsync(f => GatewayClient.IsMessage(f, channel), $"the first of {channel} from Worker {doomed.ProcessId}", TimeSpan.FromSeconds(15));
        await doomed.KillAsync();
        var firstArrival = subscriber.TimedFrames.First(f => GatewayClient.IsMessage(f.Frame, channel)).Timestamp;

        // The dead Worker's consumer (named host-pid) still holds entries it read: what the other Worker has to reclaim.
        var pending = await StreamCli(topology, "XPENDING", Stream, "workers");
        var held = PendingCount(pending);
        Assert.True(held > 0 && pending.Contains($"-{doomed.ProcessId}\n", StringComparison.Ordinal),
            $"the killed Worker {doomed.ProcessId} held no entries (it published them all first); XPENDING: {pending}\n--- worker ---\n{doomed.Output}");

        await using var survivor = await ServiceProcess.StartAsync(workerAssembly, "/health", topology.RedisSettings, TimeSpan.FromSeconds(30));

        // Nothing is reclaimed before the visibility timeout: halfway through it, every entry is still with the killed
        // Worker's consumer, idle for less than the timeout (which the same reply shows). When a message arrived does not
        // tell which Worker published it: the killed one's last publishes can reach the subscriber seconds late.
        if (VisibilityTimeout / 2 - Stopwatch.GetElapsedTime(firstArrival) is { Ticks: > 0 } untilHalfway)
        {
            await Task.Delay(untilHalfway, cancellation);
        }

        var entries = PendingEntries(await StreamCli(topology, "XPENDING", Stream, "workers", "-", "+", "1000"));
        var idle = entries.Select(e => e.Idle).DefaultIfEmpty().Max();
        Assert.True(idle < VisibilityTimeout,
            $"XPENDING was read after the entries had been idle for {idle.TotalSeconds:0.0} s, too late to tell an early reclaim from one on time");
        Assert.True(entries.Count == held && entries.All(e => e.Consumer.EndsWith($"-{doomed.ProcessId}", StringComparison.Ordinal)),
            $"reclaimed before the visibility timeout: Worker {doomed.ProcessId} held {held} entries, and after {idle.TotalSeconds:0.0} s idle XPENDING lists {entries.Count}: " +
            string.Join(", ", entries.Select(e => $"{e.Consumer} {e.Idle.TotalSeconds:0.0} s")));

        await subscriber.WaitForCountAsync(
            f => GatewayClient.IsMessage(f, channel), HeldCount, $"messages on {channel}", VisibilityTimeout + TimeSpan.FromSeconds(30));

        var messages = subscriber.TimedFrames.Where(f => GatewayClient.IsMessage(f.Frame, channel)).ToList();
        var afterFirst = messages.Select(m => (Id: (string)m.Frame["id"]!, Seconds: Stopwatch.GetElapsedTime(firstArrival, m.Timestamp).TotalSeconds)).ToList();
        var bySurvivor = afterFirst.Where(m => m.Seconds >= VisibilityTimeout.TotalSeconds / 2).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{held} entries held by the killed Worker; {messages.Count - bySurvivor.Count} messages before the kill, {bySurvivor.Count} from the " +
            $"other Worker, {bySurvivor.Select(m => m.Seconds).DefaultIfEmpty().Min():0.0} to {bySurvivor.Select(m => m.Seconds).DefaultIfEmpty().Max():0.0} s after the first");
        await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
        Assert.Equal(ids, subscriber.Frames.Where(f => GatewayClient.IsMessage(f, channel)).Select(f => (string)f["id"]!).Order());
        Assert.NotEmpty(bySurvivor);

        var offsetOf = messages.ToDictionary(m => (string)m.Frame["id"]!, m => (long)m.Frame["offset"]!);
        Assert.Equal(Enumerable.Range(1, HeldCount).Select(i => (long)i), offsetOf.Values.Order());
        await TestWait.Until(async () =>
        {
            foreach (var id in ids)
            {
                var status = (await topology.First.Http.GetFromJsonAsync<JsonObject>($"/api/broadcasts/{id}", cancellation))!;
                if ((string?)status["state"] != "delivered" || (long?)status["offset"] != offsetOf[id])
                {
                    return (false, $"broadcast {id} at offset {offsetOf[id]} reads as {status.ToJsonString()}");
                }
            }

            var left = await StreamCli(topology, "XPENDING", Stream, "workers");
            return (PendingCount(left) == 0, $"all delivered; XPENDING: {left}");
        }, "every broadcast to read as delivered at its message's offset, and nothing pending", TimeSpan.FromSeconds(15));
    }

    /// <summary>The entries of <c>XPENDING key group - + count</c>, four lines each (id, consumer, idle milliseconds, deliveries).</summary>
    private static List<(string Consumer, TimeSpan Idle)> PendingEntries(string reply) =>
        [.. ReplyLines(reply)
            .Chunk(4)
            .Select(entry => (entry[1], TimeSpan.FromMilliseconds(long.Parse(entry[2], System.Globalization.CultureInfo.InvariantCulture))))];

    /// <summary>The count, the first line of <c>XPENDING</c>'s summary.</summary>
    private static long PendingCount(string summary) => long.Parse(ReplyLines(summary).First(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>redis-cli's reply, one value per line, without the lines in which it says it followed a redirect.</summary>
    private static IEnumerable<string> ReplyLines(string reply) =>
        reply.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !line.StartsWith("->", StringComparison.Ordinal));

    /// <summary>Runs a command on the broadcasts' master: the sentinel master, or in a cluster whichever node owns the slot of <c>{all}</c>.</summary>
    private static Task<string> StreamCli(GatewayTopology topology, params string[] command) =>
        topology.Cluster is { } cluster
            ? RedisCli.RunAsync(cluster.Nodes[0].Port, cluster.Password, ["-c", .. command])
            : Cli(topology.Sentinel!.Master, command);

    private static Task<string> Cli(RedisServerProcess server, params string[] command) => RedisCli.RunAsync(server.Port, server.Password, command);
}
