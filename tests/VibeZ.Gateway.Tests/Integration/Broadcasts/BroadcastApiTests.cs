using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace VibeZ.Gateway.Tests.Integration.Broadcasts;

/// <summary>
/// <c>POST /api/broadcasts</c> and <c>GET /api/broadcasts/{id}</c> against two real Gateways on a real sentinel
/// topology: a broadcast is acknowledged only once a replica has it, a retry is one broadcast, and bad input is
/// refused naming the field with nothing stored.
/// </summary>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed class BroadcastApiTests(BroadcastApiTests.SentinelTopology topology) : IClassFixture<BroadcastApiTests.SentinelTopology>
{
    private GatewayProcess First => topology.Value.First;

    private SentinelProcesses Sentinel => topology.Value.Sentinel!;

    public static TheoryData<string, string> BadBodies => new()
    {
        { """{"id":"bad-1","channel":"no spaces","data":1}""", "channel" },
        { """{"id":"bad-2","channel":"$system","data":1}""", "channel" },
        { """{"id":"bad-3","channel":"room"}""", "data" },
        { """{"id":"bad-4","channel":"room","data":1,"deliverAt":"next tuesday"}""", "deliverAt" },
        { """{"id":"bad-5","channel":"room","data":1,"deliverAt":"2999-01-01T00:00:00Z"}""", "deliverAt" },
        { """{"id":"bad-6","channel":"room","data":1,"delayMs":-5}""", "delayMs" },
        { "{\"id\":\"bad-7\",\"channel\":\"room\",\"data\":\"" + new string('x', 65 * 1024) + "\"}", "data" },
        { """{"id":"bad 8","channel":"room","data":1}""", "id" },
    };

    [Fact]
    public async Task ABroadcastIsAcceptedOnceAReplicaHasItAndReadsBackAsScheduled()
    {
        var deliverAt = DateTimeOffset.UtcNow.AddHours(1);
        var accepted = await PostAsync($$"""{"id":"later-1","channel":"room-1","data":{"n":1},"deliverAt":"{{deliverAt:O}}"}""", HttpStatusCode.Accepted);

        Assert.Equal("later-1", (string?)accepted["id"]);
        Assert.Equal("scheduled", (string?)accepted["state"]);
        Assert.Equal(deliverAt.ToUnixTimeMilliseconds(), ((DateTimeOffset)accepted["deliverAt"]!).ToUnixTimeMilliseconds());

        // 202 waits for a replica's confirmation, so the replica has the record the moment the answer arrives.
        var onReplica = await RedisCli.RunAsync(Sentinel.Replica.Port, Sentinel.Password, "HGET", "vibez:broadcasts:{all}:b:later-1", "state");
        Assert.Equal("scheduled", onReplica.Trim());

        var status = (await topology.Value.Second.Http.GetFromJsonAsync<JsonObject>("/api/broadcasts/later-1", TestContext.Current.CancellationToken))!;
        Assert.Equal("scheduled", (string?)status["state"]);
        Assert.Equal("room-1", (string?)status["channel"]);
        Assert.Null(status["offset"]);
    }

    [Fact]
    public async Task TheSameIdTwiceIsOneBroadcastAndAnotherBodyUnderItIsAConflict()
    {
        var first = await PostAsync("""{"id":"once-1","channel":"room-2","data":"hello","delayMs":60000}""", HttpStatusCode.Accepted);
        var again = await PostAsync("""{"id":"once-1","channel":"room-2","data":"hello","delayMs":120000}""", HttpStatusCode.Accepted);
        var other = await PostAsync("""{"id":"once-1","channel":"room-2","data":"bye"}""", HttpStatusCode.Conflict);

        Assert.False((bool)first["duplicate"]!);
        Assert.True((bool)again["duplicate"]!);
        Assert.Equal((string?)first["deliverAt"], (string?)again["deliverAt"]);
        Assert.Equal("id_conflict", (string?)other["code"]);
        var score = await RedisCli.RunAsync(Sentinel.Master.Port, Sentinel.Password, "ZSCORE", "vibez:broadcasts:{all}:due", "once-1");
        Assert.Equal(((DateTimeOffset)first["deliverAt"]!).ToUnixTimeMilliseconds(), long.Parse(score.Trim()));
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task BadInputIsRefusedNamingTheFieldAndNothingIsStored(string body, string field)
    {
        var problem = await PostAsync(body, HttpStatusCode.BadRequest);

        Assert.Equal(field, (string?)problem["field"]);
        var id = (string)JsonNode.Parse(body)!["id"]!;
        Assert.Equal("0", (await RedisCli.RunAsync(Sentinel.Master.Port, Sentinel.Password, "EXISTS", "vibez:broadcasts:{all}:b:" + id)).Trim());
        Assert.Equal(string.Empty, (await RedisCli.RunAsync(Sentinel.Master.Port, Sentinel.Password, "ZSCORE", "vibez:broadcasts:{all}:due", id)).Trim());
    }

    [Fact]
    public async Task AnUnknownIdIsNotFound()
    {
        using var response = await First.Http.GetAsync("/api/broadcasts/never-sent", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<JsonObject> PostAsync(string json, HttpStatusCode expected)
    {
        using var response = await First.Http.PostAsync("/api/broadcasts", ProtocolTests.Json(json), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == expected, $"POST /api/broadcasts answered {(int)response.StatusCode}, expected {(int)expected}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>A sentinel topology (master, replica, sentinels) and two Gateways with default settings.</summary>
    public sealed class SentinelTopology : IAsyncLifetime
    {
        public GatewayTopology Value { get; private set; } = null!;

        public async ValueTask InitializeAsync() => Value = await GatewayTopology.StartAsync("sentinel");

        public async ValueTask DisposeAsync() => await Value.DisposeAsync();
    }
}
