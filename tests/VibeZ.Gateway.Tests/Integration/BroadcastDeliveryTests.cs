using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VibeZ.Gateway.Tests.Infrastructure;
using VibeZ.Testing.Processes;

namespace VibeZ.Gateway.Tests.Integration;

/// <summary>
/// Broadcasts stored through one real Gateway are published by a real Worker process into the channel and reach a
/// WebSocket subscriber of the other Gateway, on a real sentinel topology: now, later (never early), and once per id.
/// </summary>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed class BroadcastDeliveryTests(BroadcastDeliveryTests.SentinelWithWorker topology) : IClassFixture<BroadcastDeliveryTests.SentinelWithWorker>
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(10);

    private GatewayProcess First => topology.Value.First;

    private GatewayProcess Second => topology.Value.Second;

    [Fact]
    public async Task AnImmediateBroadcastReachesASubscriberOfAnotherGatewayAndReadsAsDelivered()
    {
        await using var client = await GatewayClient.ConnectAsync(Second, "subscriber");
        await client.SubscribeAsync("bc-now");

        await PostAsync("""{"id":"now-1","channel":"bc-now","data":{"n":1}}""");

        var message = await client.WaitForAsync(f => (string?)f["type"] == "message" && (string?)f["id"] == "now-1", "broadcast now-1 as a message frame", DeliveryTimeout);
        Assert.Equal(1, (int)message["data"]!["n"]!);
        var status = await WaitForStateAsync("now-1", "delivered");
        Assert.Equal((long)message["offset"]!, (long)status["offset"]!);
    }

    [Fact]
    [Trait("Timing", "Alone")]
    public async Task ADelayedBroadcastArrivesNeverEarlyAndWithin100Milliseconds()
    {
        await using var client = await GatewayClient.ConnectAsync(Second, "subscriber");
        await client.SubscribeAsync("bc-later");

        // The bound is for a Worker that is running, not one still loading its scripts and compiling its first publish:
        // one broadcast delivered first takes that start-up cost out of the measurement.
        await PostAsync("""{"id":"later-warm-up","channel":"bc-later","data":"w"}""");
        await client.WaitForAsync(f => (string?)f["id"] == "later-warm-up", "broadcast later-warm-up as a message frame", DeliveryTimeout);

        var accepted = await PostAsync("""{"id":"later-1","channel":"bc-later","data":"x","delayMs":1500}""");
        var deliverAt = (DateTimeOffset)accepted["deliverAt"]!;

        await client.WaitForAsync(f => (string?)f["id"] == "later-1", "broadcast later-1 as a message frame", DeliveryTimeout);
        var arrivedAt = DateTimeOffset.UtcNow - Stopwatch.GetElapsedTime(client.TimedFrames.Single(f => (string?)f.Frame["id"] == "later-1").Timestamp);
        var late = arrivedAt - deliverAt;
        Assert.True(late >= TimeSpan.Zero, $"delivered {-late.TotalMilliseconds:F0} ms before deliverAt {deliverAt:O}");
        Assert.True(late <= TimeSpan.FromMilliseconds(100), $"delivered {late.TotalMilliseconds:F0} ms after deliverAt {deliverAt:O}");
    }

    [Fact]
    public async Task TheSameBroadcastSentTwiceIsOneMessageInTheChannel()
    {
        await PostAsync("""{"id":"twice-1","channel":"bc-twice","data":1}""");
        await PostAsync("""{"id":"twice-1","channel":"bc-twice","data":1}""");
        await PostAsync("""{"id":"twice-2","channel":"bc-twice","data":2}""");

        await WaitForStateAsync("twice-2", "delivered");
        await WaitForStateAsync("twice-1", "delivered");
        var history = (await First.Http.GetFromJsonAsync<JsonObject>("/api/channels/bc-twice/messages?since=0", TestContext.Current.CancellationToken))!;
        Assert.Equal(["twice-1", "twice-2"], history["messages"]!.AsArray().Select(m => (string?)m!["id"]).Order());
    }

    private async Task<JsonObject> PostAsync(string json)
    {
        using var response = await First.Http.PostAsync("/api/broadcasts", ProtocolTests.Json(json), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /api/broadcasts answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    private async Task<JsonObject> WaitForStateAsync(string id, string state)
    {
        JsonObject status = null!;
        await TestWait.Until(async () =>
        {
            status = (await First.Http.GetFromJsonAsync<JsonObject>($"/api/broadcasts/{id}", TestContext.Current.CancellationToken))!;
            return ((string?)status["state"] == state, status.ToJsonString());
        }, $"broadcast {id} to be {state}", DeliveryTimeout);
        return status;
    }

    /// <summary>A sentinel topology, two Gateways and one Worker with the same Redis settings.</summary>
    public sealed class SentinelWithWorker : IAsyncLifetime
    {
        public GatewayTopology Value { get; private set; } = null!;

        public ServiceProcess Worker { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Value = await GatewayTopology.StartAsync("sentinel");
            Worker = await ServiceProcess.StartAsync(ServiceProcess.BuildOutput("VibeZ.Worker"), "/health", Value.RedisSettings, TimeSpan.FromSeconds(30));
        }

        public async ValueTask DisposeAsync()
        {
            await Worker.DisposeAsync();
            await Value.DisposeAsync();
        }
    }
}
