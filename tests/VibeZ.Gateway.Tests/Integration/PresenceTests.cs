using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VibeZ.Gateway.Tests.Infrastructure;

namespace VibeZ.Gateway.Tests.Integration;

/// <summary>
/// Presence across two real Gateway processes on a real redis-server, with real WebSocket clients: join and leave
/// frames, the presence API, the keys it leaves (none once nobody is present), and a Gateway killed with SIGKILL.
/// </summary>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed class PresenceTests
{
    // Entries live three heartbeats: a killed Gateway's members are gone from reads within 3 × this.
    private const double HeartbeatSeconds = 0.5;
    private static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(HeartbeatSeconds * 3);

    [Theory]
    [InlineData("single")]
    [InlineData("sentinel")]
    [InlineData("cluster")]
    public async Task ClientsOnTwoGatewaysSeeEachOtherJoinAndLeaveAndTheApiListsThem(string mode)
    {
        await using var topology = await GatewayTopology.StartAsync(mode);
        await using var alice = await GatewayClient.ConnectAsync(topology.First, "alice", topology.First.MintToken(subject: "alice"));
        await using var bob = await GatewayClient.ConnectAsync(topology.Second, "bob", topology.Second.MintToken(subject: "bob"));

        await SubscribeWithPresenceAsync(alice, "room-p", "alice");
        await SubscribeWithPresenceAsync(bob, "room-p", "bob");
        await alice.WaitForAsync(f => IsPresence(f, "join", "bob"), "bob's join, through the other Gateway");

        Assert.Equal(["alice", "bob"], await MembersAsync(topology.First, "room-p"));
        Assert.Equal(["alice", "bob"], await MembersAsync(topology.Second, "room-p"));

        await bob.SendAsync(new { type = "unsubscribe", channel = "room-p" });
        await alice.WaitForAsync(f => IsPresence(f, "leave", "bob"), "bob's leave after his unsubscribe");
        Assert.Equal(["alice"], await MembersAsync(topology.First, "room-p"));

        await alice.SendAsync(new { type = "unsubscribe", channel = "room-p" });
        await alice.WaitForAsync(f => GatewayClient.Is(f, "unsubscribed"), "alice's unsubscribed");
        Assert.Empty(await MembersAsync(topology.First, "room-p"));
        if (topology.Single is not { } redis)
        {
            return;
        }

        // The last member out takes the key with it.
        await TestWait.Until(async () =>
        {
            var exists = (await RedisCli.RunAsync(redis.Port, redis.Password, "EXISTS", "vibez:{room-p}:presence")).Trim();
            return (exists == "0", $"EXISTS answered {exists}");
        }, "the presence key to be gone once nobody is present");
    }

    [Fact]
    public async Task APresenceThatIsNotABooleanIsAnErrorFrameAndTheConnectionStays()
    {
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        await using var gateway = await SingleGateway.StartAsync(redis);
        await using var client = await GatewayClient.ConnectAsync(gateway, "client");

        await client.SendTextAsync("""{"type":"subscribe","channel":"room-b","presence":"yes","id":"bad-1"}""");
        var error = await client.WaitForAsync(f => GatewayClient.Is(f, "error") && (string?)f["id"] == "bad-1", "the error frame for presence:\"yes\"");
        Assert.Equal("invalid_frame", (string?)error["code"]);
        await client.SendTextAsync("""{"type":"subscribe","channel":"$system","presence":true,"id":"bad-2"}""");
        await client.WaitForAsync(f => GatewayClient.Is(f, "error") && (string?)f["id"] == "bad-2", "the error frame for presence on $system");

        await SubscribeWithPresenceAsync(client, "room-b");
        Assert.Single(await MembersAsync(gateway, "room-b"));
    }

    [Fact]
    public async Task ThePresenceApiNeedsAHistoryGrant()
    {
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        await using var gateway = await SingleGateway.StartAsync(redis);
        using var http = gateway.CreateAnonymousHttpClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", gateway.MintToken(subject: "reader", history: "other-*"));

        using var refused = await http.GetAsync("/api/channels/room-h/presence", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var allowed = await http.GetAsync("/api/channels/other-1/presence", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    [Trait("Timing", "Alone")]
    public async Task AGatewayKilledWithSigkillHasItsMembersGoneFromPresenceWithinTheTtl()
    {
        (string, string?) heartbeat = ("Gateway__PresenceHeartbeatSeconds", HeartbeatSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await using var topology = await GatewayTopology.StartAsync("single", heartbeat);
        await using var alice = await GatewayClient.ConnectAsync(topology.First, "alice", topology.First.MintToken(subject: "alice"));
        var bob = await GatewayClient.ConnectAsync(topology.Second, "bob", topology.Second.MintToken(subject: "bob"));
        await SubscribeWithPresenceAsync(alice, "room-k", "alice");
        await SubscribeWithPresenceAsync(bob, "room-k", "bob");
        await alice.WaitForAsync(f => IsPresence(f, "join", "bob"), "bob's join");
        Assert.Equal(["alice", "bob"], await MembersAsync(topology.First, "room-k"));

        var clock = Stopwatch.StartNew();
        await topology.Second.KillAsync();
        bob.Abort();

        // Reads skip bob once his last refresh expires: at most the TTL after the kill.
        var members = Array.Empty<string>();
        await TestWait.Until(async () =>
        {
            members = await MembersAsync(topology.First, "room-k");
            return (members.SequenceEqual(["alice"]), string.Join(",", members));
        }, $"bob to be gone from presence after the kill (TTL {TimeToLive.TotalSeconds} s)");
        var gone = clock.Elapsed;

        // The leave frame comes with the survivor's next heartbeat after that: within the TTL and one interval.
        await alice.WaitForAsync(f => IsPresence(f, "leave", "bob"), "bob's leave, announced by the surviving Gateway's heartbeat");
        var left = clock.Elapsed;
        TestContext.Current.TestOutputHelper?.WriteLine($"after SIGKILL: gone from reads in {gone.TotalMilliseconds:F0} ms, leave frame in {left.TotalMilliseconds:F0} ms");

        var slack = TimeSpan.FromSeconds(1);
        Assert.True(gone <= TimeToLive + slack, $"bob was listed {gone.TotalMilliseconds:F0} ms after the kill; bound {TimeToLive.TotalMilliseconds:F0} ms + {slack.TotalSeconds} s slack");
        var leaveBound = TimeToLive + TimeSpan.FromSeconds(HeartbeatSeconds);
        Assert.True(left <= leaveBound + slack, $"bob's leave came {left.TotalMilliseconds:F0} ms after the kill; bound {leaveBound.TotalMilliseconds:F0} ms + {slack.TotalSeconds} s slack");
        await bob.DisposeAsync();
    }

    /// <summary>
    /// Subscribes with presence and waits for the client's own <c>join</c> (<paramref name="member"/> is its <c>sub</c>):
    /// the script that writes the member publishes it, so once it is here Redis lists the client.
    /// </summary>
    internal static async Task SubscribeWithPresenceAsync(GatewayClient client, string channel, string member = GatewayTokens.Subject)
    {
        var seen = client.Frames.Count;
        await client.SendAsync(new { type = "subscribe", channel, presence = true });
        await client.WaitForAsync(f => GatewayClient.Is(f, "subscribed") && (string?)f["channel"] == channel, $"subscribed to {channel} with presence", after: seen);
        await client.WaitForAsync(f => IsPresence(f, "join", member) && (string?)f["channel"] == channel, $"{client.Name}'s own join on {channel}", after: seen);
    }

    private static bool IsPresence(JsonObject frame, string type, string client) =>
        GatewayClient.Is(frame, type) && (string?)frame["client"] == client;

    private static async Task<string[]> MembersAsync(GatewayProcess gateway, string channel)
    {
        var body = await gateway.Http.GetFromJsonAsync<JsonObject>($"/api/channels/{channel}/presence", TestContext.Current.CancellationToken);
        return [.. body!["members"]!.AsArray().Select(m => (string)m!["client"]!)];
    }
}
