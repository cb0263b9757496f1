using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Nodes;

namespace VibeZ.Gateway.Tests.Integration.Security;

/// <summary>
/// Client authentication and the browser-facing checks against a real Gateway on a real redis-server: tokens on the
/// handshake, in frames and on HTTP, what claims grant, token refresh, origins, content types, host names and headers.
/// </summary>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed partial class SecurityTests(SecurityTests.SecuredGateway fixture) : IClassFixture<SecurityTests.SecuredGateway>
{
    private const string AllowedOrigin = "https://app.example.com";

    private GatewayProcess Gateway => fixture.Gateway;

    public static TheoryData<string> BadTokenKinds => [.. GatewayTokens.BadKinds];

    [Theory]
    [MemberData(nameof(BadTokenKinds))]
    public async Task ABadTokenIsRefusedWith401OnTheHandshakeAndOnHttp(string kind)
    {
        var token = fixture.BadToken(kind);

        Assert.Equal(HttpStatusCode.Unauthorized, await HandshakeStatusAsync(token));
        using var http = Gateway.CreateAnonymousHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/node");
        request.Headers.Authorization = new("Bearer", token);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(BadTokenKinds))]
    public async Task ABadTokenInAConnectFrameGetsAnUnauthorizedErrorAndA1008Close(string kind)
    {
        await using var client = await GatewayClient.ConnectAsync(Gateway, kind, bearer: null);

        var answer = await client.AuthenticateAsync(fixture.BadToken(kind));
        await client.WaitUntilClosedAsync();

        Assert.Equal("unauthorized", (string?)answer["code"]);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);
    }

    [Fact]
    public async Task WithoutATokenHttpAnswers401AndASocketGetsNothingButAnUnauthorizedClose()
    {
        using var http = Gateway.CreateAnonymousHttpClient();
        foreach (var path in new[] { "/api/node", "/api/channels/room-1/messages" })
        {
            using var response = await http.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        await using var client = await GatewayClient.ConnectAsync(Gateway, "anonymous", bearer: null);
        await client.SendAsync(new { type = "subscribe", channel = "room-1" });
        var error = await client.WaitForAsync(f => GatewayClient.Is(f, "error"), "the answer to a subscribe before connect");
        await client.WaitUntilClosedAsync();

        Assert.Equal("unauthorized", (string?)error["code"]);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);
        Assert.DoesNotContain(client.Frames, f => GatewayClient.Is(f, "subscribed"));
    }

    [Fact]
    public async Task ASocketThatSendsNoConnectFrameInTimeIsClosed()
    {
        await using var client = await GatewayClient.ConnectAsync(Gateway, "silent", bearer: null);

        await client.WaitUntilClosedAsync();

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);
        Assert.Equal("unauthorized", (string?)Assert.Single(client.Frames)["code"]);
    }

    [Fact]
    public async Task AConnectFrameAuthenticatesTheSocketAsItsSubject()
    {
        await using var client = await GatewayClient.ConnectAsync(Gateway, "browser-like", bearer: null);

        var connected = await client.AuthenticateAsync(Gateway.MintToken("erin"));
        await client.SubscribeAsync("room-1");

        Assert.Equal("connected", (string?)connected["type"]);
        Assert.Equal("erin", (string?)connected["sub"]);
    }

    [Fact]
    public async Task ClaimsGrantSubscribePublishAndHistoryPerChannelPattern()
    {
        var channel = "room-" + Guid.NewGuid().ToString("N")[..8];
        await using var client = await GatewayClient.ConnectAsync(Gateway, "limited", Gateway.MintToken("frank", subscribe: "room-*", publish: channel, history: "", apiPublish: ""));

        await client.SubscribeAsync(channel);
        await client.SubscribeAsync("$system");
        await client.SendAsync(new { type = "subscribe", channel = "lobby", id = "s-1" });
        await client.SendAsync(new { type = "subscribe", channel = "room-other", id = "s-2", since = new { offset = 0, epoch = "e" } });
        await client.SendAsync(new { type = "publish", channel = "room-other", data = 1, id = "p-1" });
        await client.SendAsync(new { type = "publish", channel, data = 1, id = "p-2" });

        await client.WaitForAsync(f => GatewayClient.Is(f, "ack") && (string?)f["id"] == "p-2", "the ack of the granted publish");
        foreach (var id in new[] { "s-1", "s-2", "p-1" })
        {
            var error = await client.WaitForAsync(f => GatewayClient.Is(f, "error") && (string?)f["id"] == id, $"the error for {id}");
            Assert.Equal("forbidden", (string?)error["code"]);
        }

        using var http = Gateway.CreateAnonymousHttpClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", Gateway.MintToken("frank", subscribe: "room-*", publish: channel, history: "", apiPublish: ""));
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync($"/api/channels/{channel}/messages", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.PostAsync($"/api/channels/{channel}/messages", ProtocolTests.Json("1"), TestContext.Current.CancellationToken)).StatusCode);

        http.DefaultRequestHeaders.Authorization = new("Bearer", Gateway.MintToken("backend", subscribe: "", publish: "", history: "room-*", apiPublish: "room-*"));
        var posted = await http.PostAsync($"/api/channels/{channel}/messages", ProtocolTests.Json("2"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var history = (await http.GetFromJsonAsync<JsonObject>($"/api/channels/{channel}/messages", TestContext.Current.CancellationToken))!;
        Assert.Equal(2, history["messages"]!.AsArray().Count);
    }

    [Fact]
    public async Task AnotherSubjectReusingAnIdGetsItsOwnMessageNotTheFirstOnesDuplicate()
    {
        var channel = "ids-" + Guid.NewGuid().ToString("N")[..8];
        await using var subscriber = await GatewayClient.ConnectAsync(Gateway, "subscriber");
        await using var alice = await GatewayClient.ConnectAsync(Gateway, "alice", Gateway.MintToken("alice"));
        await using var mallory = await GatewayClient.ConnectAsync(Gateway, "mallory", Gateway.MintToken("mallory"));
        await subscriber.SubscribeAsync(channel);

        await mallory.SendAsync(new { type = "publish", channel, data = "first, to suppress alice's", id = "m-1" });
        var malloryAck = await mallory.WaitForAsync(f => GatewayClient.Is(f, "ack") || GatewayClient.Is(f, "error"), "mallory's answer");
        await alice.SendAsync(new { type = "publish", channel, data = "alice's real message", id = "m-1" });
        var aliceAck = await alice.WaitForAsync(f => GatewayClient.Is(f, "ack") || GatewayClient.Is(f, "error"), "alice's answer");
        await alice.SendAsync(new { type = "publish", channel, data = "alice's real message", id = "m-1" });
        var resent = await alice.WaitForCountAsync(f => GatewayClient.Is(f, "ack"), 2, "acks of alice's message and its resend");

        Assert.Equal("ack", (string?)malloryAck["type"]);
        Assert.Equal("ack", (string?)aliceAck["type"]);
        Assert.NotEqual((long)malloryAck["offset"]!, (long)aliceAck["offset"]!);
        Assert.Equal((long)aliceAck["offset"]!, (long)resent[1]["offset"]!);
        var messages = await subscriber.WaitForCountAsync(f => GatewayClient.IsMessage(f, channel), 2, "both messages");
        Assert.Equal(["first, to suppress alice's", "alice's real message"], messages.Select(m => (string?)m["data"]));
    }

    [Fact]
    public async Task AShortLivedTokenIsRefreshedInPlaceAndKeepsTheConnectionPastItsExpiry()
    {
        await using var client = await GatewayClient.ConnectAsync(Gateway, "refresher", bearer: null);
        var connected = await client.AuthenticateAsync(Gateway.MintToken("grace", lifetime: TimeSpan.FromSeconds(4)));
        var firstExpiry = DateTimeOffset.FromUnixTimeSeconds((long)connected["expires"]!);

        var request = await client.WaitForAsync(f => GatewayClient.Is(f, "refresh"), "the Gateway's refresh request");
        await client.SendAsync(new { type = "refresh", token = Gateway.MintToken("grace", lifetime: TimeSpan.FromMinutes(5)) });
        await client.WaitForAsync(f => GatewayClient.Is(f, "refreshed"), "the answer to the refresh");

        // Past the first token's expiry, the connection still works.
        await TestWait.Until(() => Task.FromResult((DateTimeOffset.UtcNow > firstExpiry.AddSeconds(1), $"now {DateTimeOffset.UtcNow:O}")), "the first token to have expired");
        await client.SubscribeAsync("after-refresh");
        Assert.False(client.Ended, $"closed: {client.CloseStatus} {client.CloseDescription}");
        Assert.Equal(firstExpiry.ToUnixTimeSeconds(), (long)request["deadline"]!);
    }

    [Fact]
    public async Task AConnectionThatDoesNotAnswerTheRefreshRequestIsClosedWhenItsTokenExpires()
    {
        await using var client = await GatewayClient.ConnectAsync(Gateway, "forgetful", Gateway.MintToken("forgetful", lifetime: TimeSpan.FromSeconds(3)));

        await client.WaitForAsync(f => GatewayClient.Is(f, "refresh"), "the Gateway's refresh request");
        await client.WaitUntilClosedAsync();

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);
        Assert.Equal("token expired", client.CloseDescription);
    }

    [Fact]
    public async Task ARefreshForAnotherSubjectIsRefused()
    {
        await using var client = await GatewayClient.ConnectAsync(Gateway, "switcher", Gateway.MintToken("heidi"));

        await client.SendAsync(new { type = "refresh", token = Gateway.MintToken("ivan") });
        var error = await client.WaitForAsync(f => GatewayClient.Is(f, "error"), "the answer to a refresh for another subject");

        Assert.Equal("unauthorized", (string?)error["code"]);
        await client.SubscribeAsync("still-heidi");
    }
}
