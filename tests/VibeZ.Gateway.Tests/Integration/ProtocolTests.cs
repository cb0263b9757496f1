using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Nodes;

namespace VibeZ.Gateway.Tests.Integration;

/// <summary>
/// The protocol against two real Gateways on a real redis-server: bad input, resume with <c>since</c>, history over
/// HTTP and idempotent publishes.
/// </summary>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed class ProtocolTests(ProtocolTests.SingleTopology topology) : IClassFixture<ProtocolTests.SingleTopology>
{
    private GatewayProcess First => topology.Value.First;

    private GatewayProcess Second => topology.Value.Second;

    public static TheoryData<string, string> BadFrames => new()
    {
        { "{not json", "invalid_json" },
        { "[1,2]", "invalid_frame" },
        { """{"channel":"room"}""", "invalid_frame" },
        { """{"type":"dance","channel":"room"}""", "unknown_type" },
        { """{"type":"subscribe","channel":"no spaces allowed"}""", "invalid_channel" },
        { """{"type":"subscribe","channel":""}""", "invalid_channel" },
        { """{"type":"subscribe"}""", "invalid_channel" },
        { """{"type":"subscribe","channel":"room","since":{"offset":-1,"epoch":"e"}}""", "invalid_frame" },
        { """{"type":"publish","channel":"room"}""", "invalid_frame" },
        { """{"type":"publish","channel":"room","data":1,"id":42}""", "invalid_frame" },
        { """{"type":"publish","channel":"$system","data":1}""", "reserved_channel" },
        { """{"type":"unsubscribe","channel":"never-joined"}""", "not_subscribed" },
    };

    [Theory]
    [MemberData(nameof(BadFrames))]
    public async Task ABadFrameGetsAnErrorFrameAndTheConnectionKeepsWorking(string frame, string code)
    {
        await using var client = await GatewayClient.ConnectAsync(First, "client");

        await client.SendTextAsync(frame);
        var error = await client.WaitForAsync(f => GatewayClient.Is(f, "error"), $"an error frame for {frame}");

        Assert.Equal(code, (string?)error["code"]);
        Assert.False((bool)error["retryable"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)error["message"]));
        await client.SubscribeAsync("still-works");
    }

    [Fact]
    public async Task AnOversizeFrameAndABinaryFrameGetErrorFrames()
    {
        await using var client = await GatewayClient.ConnectAsync(First, "client");

        var oversize = $$"""{"type":"publish","channel":"room","data":"{{new string('x', 65 * 1024)}}"}""";
        await client.SendTextAsync(oversize);
        await client.WaitForAsync(f => (string?)f["code"] == "message_too_large", "message_too_large for a 65 KiB frame");

        await client.SendRawAsync([1, 2, 3], WebSocketMessageType.Binary);
        await client.WaitForAsync(f => (string?)f["code"] == "binary_not_supported", "binary_not_supported");

        await client.SubscribeAsync("still-works");
    }

    [Fact]
    public async Task AClientThatKeepsSendingGarbageIsClosedWithPolicyViolation()
    {
        await using var client = await GatewayClient.ConnectAsync(First, "garbage");

        for (var i = 0; i < 11 && !client.Ended; i++)
        {
            await client.SendTextAsync("garbage " + i);
        }

        await client.WaitUntilClosedAsync();
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);
        Assert.Contains("invalid frames", client.CloseDescription);
        // Every invalid frame is answered, the one over the limit too, before the close.
        Assert.Equal(11, client.Frames.Count(f => (string?)f["code"] == "invalid_json"));
    }

    [Fact]
    public async Task ASubscriberThatResumesOnTheOtherGatewayGetsWhatItMissedInOrderThenRecoveredTrue()
    {
        var channel = "resume-" + Guid.NewGuid().ToString("N")[..8];
        IReadOnlyList<JsonObject> seen;
        await using (var before = await GatewayClient.ConnectAsync(First, "before"))
        {
            await before.SubscribeAsync(channel);
            await PublishAsync(Second, channel, 5);
            seen = await before.WaitForCountAsync(f => GatewayClient.IsMessage(f, channel), 5, "the first five messages");
        }

        await PublishAsync(Second, channel, 5, first: 6);

        // A client resumes from the last message it saw, which names its epoch.
        await using var after = await GatewayClient.ConnectAsync(Second, "after");
        var resumed = await after.SubscribeAsync(channel, since: new { offset = 5, epoch = (string)seen[^1]["epoch"]! });

        var frames = after.Frames;
        var replayed = frames.TakeWhile(f => !GatewayClient.Is(f, "subscribed")).ToList();
        Assert.Equal([6L, 7, 8, 9, 10], replayed.Select(f => (long)f["offset"]!));
        Assert.True((bool)resumed["recovered"]!);
        Assert.Equal(10, (long)resumed["offset"]!);
        Assert.Equal(Second.Node, (string?)resumed["node"]);
    }

    [Fact]
    public async Task ResumingWithAnEpochTheChannelNeverHadSaysRecoveredFalse()
    {
        var channel = "stranger-" + Guid.NewGuid().ToString("N")[..8];
        await PublishAsync(First, channel, 3);
        await using var client = await GatewayClient.ConnectAsync(First, "client");

        var subscribed = await client.SubscribeAsync(channel, since: new { offset = 2, epoch = "not-this-one" });

        Assert.False((bool)subscribed["recovered"]!);
        Assert.Equal(3, (long)subscribed["offset"]!);
        Assert.DoesNotContain(client.Frames, f => GatewayClient.IsMessage(f, channel));
    }

    [Fact]
    public async Task TheHistoryApiReturnsMessagesInOrderAndAnIdempotencyKeyPublishesOnce()
    {
        var channel = "history-" + Guid.NewGuid().ToString("N")[..8];
        var first = await PostAsync(First, channel, """{"n":1}""", key: "k-1");
        var again = await PostAsync(Second, channel, """{"n":1}""", key: "k-1");
        var second = await PostAsync(Second, channel, """{"n":2}""", key: null);

        Assert.Equal(1, (long)first["offset"]!);
        Assert.Equal(1, (long)again["offset"]!);
        Assert.True((bool)again["duplicate"]!);
        Assert.Equal(2, (long)second["offset"]!);

        var all = (await First.Http.GetFromJsonAsync<JsonObject>($"/api/channels/{channel}/messages?since=0", TestContext.Current.CancellationToken))!;
        Assert.Equal([1L, 2], all["messages"]!.AsArray().Select(m => (long)m!["offset"]!));
        Assert.Equal("k-1", (string?)all["messages"]![0]!["id"]);
        Assert.Equal(2, (int)all["messages"]![1]!["data"]!["n"]!);
        Assert.Equal((string?)first["epoch"], (string?)all["epoch"]);

        var page = (await Second.Http.GetFromJsonAsync<JsonObject>($"/api/channels/{channel}/messages?since=1&limit=1", TestContext.Current.CancellationToken))!;
        Assert.Equal([2L], page["messages"]!.AsArray().Select(m => (long)m!["offset"]!));
    }

    [Theory]
    [InlineData("/api/channels/bad%20name/messages", "{}", HttpStatusCode.BadRequest, "invalid_channel")]
    [InlineData("/api/channels/$system/messages", "{}", HttpStatusCode.BadRequest, "reserved_channel")]
    [InlineData("/api/channels/room/messages", "{oops", HttpStatusCode.BadRequest, "invalid_json")]
    public async Task TheHttpApiRefusesBadInputWithAProblemNamingTheCode(string path, string body, HttpStatusCode status, string code)
    {
        using var response = await First.Http.PostAsync(path, Json(body), TestContext.Current.CancellationToken);

        Assert.Equal(status, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!;
        Assert.Equal(code, (string?)problem["code"]);
    }

    [Fact]
    public async Task AnOversizeHttpBodyIsRefusedWith413()
    {
        using var response = await First.Http.PostAsync("/api/channels/room/messages", Json($"\"{new string('x', 65 * 1024)}\""), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    internal static async Task PublishAsync(GatewayProcess gateway, string channel, int count, int first = 1)
    {
        for (var i = first; i < first + count; i++)
        {
            await PostAsync(gateway, channel, $$"""{"n":{{i}}}""", key: $"{channel}-{i}");
        }
    }

    internal static async Task<JsonObject> PostAsync(GatewayProcess gateway, string channel, string json, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/channels/{channel}/messages") { Content = Json(json) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        using var response = await gateway.Http.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"POST to {channel} answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>A body sent as the API wants it: <c>Content-Type: application/json</c>.</summary>
    internal static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    /// <summary>One redis-server and two Gateways with default settings, shared by the tests of this class.</summary>
    public sealed class SingleTopology : IAsyncLifetime
    {
        public GatewayTopology Value { get; private set; } = null!;

        public async ValueTask InitializeAsync() => Value = await GatewayTopology.StartAsync("single");

        public async ValueTask DisposeAsync() => await Value.DisposeAsync();
    }
}
