using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VibeZ.Testing.Processes;

namespace VibeZ.Gateway.Tests.Integration.Broadcasts;

/// <summary>
/// Broadcasts stored through one real Gateway are published by a real Worker process into the channel and reach a
/// WebSocket subscriber of the other Gateway, on a real sentinel topology and a real cluster: now, later (never early),
/// and once per id.
/// </summary>
/// <remarks>
/// In cluster mode the broadcast keys share one slot (<c>{all}</c>) while the channel they are published into lives
/// wherever its own slot is, so a delivery crosses shards.
/// </remarks>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed class BroadcastDeliveryTests(BroadcastDeliveryTests.TopologiesWithWorker topologies) : IClassFixture<BroadcastDeliveryTests.TopologiesWithWorker>
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("sentinel")]
    [InlineData("cluster")]
    public async Task AnImmediateBroadcastReachesASubscriberOfAnotherGatewayAndReadsAsDelivered(string mode)
    {
        var topology = await topologies.StartAsync(mode);
        await using var client = await GatewayClient.ConnectAsync(topology.Second, "subscriber");
        await client.SubscribeAsync("bc-now");

        await PostAsync(topology, """{"id":"now-1","channel":"bc-now","data":{"n":1}}""");

        var message = await client.WaitForAsync(f => (string?)f["type"] == "message" && (string?)f["id"] == "now-1", "broadcast now-1 as a message frame", DeliveryTimeout);
        Assert.Equal(1, (int)message["data"]!["n"]!);
        var status = await WaitForStateAsync(topology, "now-1", "delivered");
        Assert.Equal((long)message["offset"]!, (long)status["offset"]!);
    }

    [Theory]
    [InlineData("sentinel")]
    [InlineData("cluster")]
    [Trait("Timing", "Alone")]
    public async Task ADelayedBroadcastArrivesNeverEarlyAndWithin100Milliseconds(string mode)
    {
        var topology = await topologies.StartAsync(mode);
        await using var client = await GatewayClient.ConnectAsync(topology.Second, "subscriber");
        await client.SubscribeAsync("bc-later");

        // The bound is for a Worker that is running, not one still loading its scripts and compiling its first publish:
        // one broadcast delivered first takes that start-up cost out of the measurement.
        await PostAsync(topology, """{"id":"later-warm-up","channel":"bc-later","data":"w"}""");
        await client.WaitForAsync(f => (string?)f["id"] == "later-warm-up", "broadcast later-warm-up as a message frame", DeliveryTimeout);

        var accepted = await PostAsync(topology, """{"id":"later-1","channel":"bc-later","data":"x","delayMs":1500}""");
        var deliverAt = (DateTimeOffset)accepted["deliverAt"]!;

        await client.WaitForAsync(f => (string?)f["id"] == "later-1", "broadcast later-1 as a message frame", DeliveryTimeout);
        // The arrival's wall-clock time: the time since it, then the clock. Read the other way round, a thread paused
        // between the two reads makes the arrival look earlier by the pause (a CI run once saw "2 ms before"); this
        // way a pause can only make it look later, so "never early" is checked soundly.
        var sinceArrival = Stopwatch.GetElapsedTime(client.TimedFrames.Single(f => (string?)f.Frame["id"] == "later-1").Timestamp);
        var arrivedAt = DateTimeOffset.UtcNow - sinceArrival;
        var late = arrivedAt - deliverAt;
        Assert.True(late >= TimeSpan.Zero, $"delivered {-late.TotalMilliseconds:F0} ms before deliverAt {deliverAt:O}");
        Assert.True(late <= TimeSpan.FromMilliseconds(100), $"delivered {late.TotalMilliseconds:F0} ms after deliverAt {deliverAt:O}");
    }

    [Theory]
    [InlineData("sentinel")]
    [InlineData("cluster")]
    public async Task TheSameBroadcastSentTwiceIsOneMessageInTheChannel(string mode)
    {
        var topology = await topologies.StartAsync(mode);
        await PostAsync(topology, """{"id":"twice-1","channel":"bc-twice","data":1}""");
        await PostAsync(topology, """{"id":"twice-1","channel":"bc-twice","data":1}""");
        await PostAsync(topology, """{"id":"twice-2","channel":"bc-twice","data":2}""");

        await WaitForStateAsync(topology, "twice-2", "delivered");
        await WaitForStateAsync(topology, "twice-1", "delivered");
        var history = (await topology.First.Http.GetFromJsonAsync<JsonObject>("/api/channels/bc-twice/messages?since=0", TestContext.Current.CancellationToken))!;
        Assert.Equal(["twice-1", "twice-2"], history["messages"]!.AsArray().Select(m => (string?)m!["id"]).Order());
    }

    private static Task<JsonObject> PostAsync(GatewayTopology topology, string json) =>
        ScheduledBroadcasts.PostAsync(topology.First.Http, json, TestContext.Current.CancellationToken);

    private static Task<JsonObject> WaitForStateAsync(GatewayTopology topology, string id, string state) =>
        ScheduledBroadcasts.WaitForStateAsync(topology.First.Http, id, state, string.Empty, DeliveryTimeout);

    /// <summary>
    /// Per mode, a topology with two Gateways and one Worker with the same Redis settings, started when a test of that
    /// mode first asks for it and kept for the class's other tests of that mode.
    /// </summary>
    public sealed class TopologiesWithWorker : IAsyncLifetime
    {
        private readonly Dictionary<string, Task<(GatewayTopology Topology, ServiceProcess Worker)>> _started = [];

        /// <summary>Starts the topology of <paramref name="mode"/> and its Worker, or returns the one started before.</summary>
        public async Task<GatewayTopology> StartAsync(string mode)
        {
            Task<(GatewayTopology Topology, ServiceProcess Worker)> starting;
            lock (_started)
            {
                if (!_started.TryGetValue(mode, out starting!))
                {
                    _started[mode] = starting = StartWithWorkerAsync(mode);
                }
            }

            return (await starting).Topology;
        }

        public ValueTask InitializeAsync() => ValueTask.CompletedTask;

        public async ValueTask DisposeAsync()
        {
            foreach (var starting in _started.Values)
            {
                if (starting.IsCompletedSuccessfully)
                {
                    await starting.Result.Worker.DisposeAsync();
                    await starting.Result.Topology.DisposeAsync();
                }
            }
        }

        private static async Task<(GatewayTopology Topology, ServiceProcess Worker)> StartWithWorkerAsync(string mode)
        {
            var topology = await GatewayTopology.StartAsync(mode);
            try
            {
                var worker = await ServiceProcess.StartAsync(ServiceProcess.BuildOutput("VibeZ.Worker"), "/health", topology.RedisSettings, TimeSpan.FromSeconds(30));
                return (topology, worker);
            }
            catch
            {
                await topology.DisposeAsync();
                throw;
            }
        }
    }
}
