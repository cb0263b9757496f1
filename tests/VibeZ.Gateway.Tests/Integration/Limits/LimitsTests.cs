using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using VibeZ.Gateway.Tests.Infrastructure;

namespace VibeZ.Gateway.Tests.Integration.Limits;

/// <summary>
/// Per-connection and per-Gateway limits (docs/limits.md), each against a real redis-server, a real Gateway process and
/// real WebSocket clients: over a limit the client gets the limit's error code, and the Gateway goes on serving.
/// </summary>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed partial class LimitsTests
{
    [Fact]
    public async Task AnUpgradePastMaxConnectionsPerIpIsRefusedWith429AndLoggedOnce()
    {
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        await using var gateway = await SingleGateway.StartAsync(redis, ("Gateway__MaxConnectionsPerIp", "2"));
        await using var first = await GatewayClient.ConnectAsync(gateway, "first");
        await using var second = await GatewayClient.ConnectAsync(gateway, "second");

        for (var attempt = 0; attempt < 5; attempt++)
        {
            var (status, problem) = await UpgradeAsync(gateway);
            Assert.Equal(HttpStatusCode.TooManyRequests, status);
            Assert.Equal("too_many_connections", (string?)problem?["code"]);
        }

        Assert.Equal(1, Occurrences(gateway.Output, "Refusing WebSocket connections from"));

        // A place given back is a place again.
        await second.DisposeAsync();
        await TestWait.Until(async () =>
        {
            var (status, _) = await UpgradeAsync(gateway);
            return (status == HttpStatusCode.SwitchingProtocols, $"HTTP {(int)status}");
        }, "an upgrade to be accepted after one of the two connections closed");
    }

    [Fact]
    public async Task AnUpgradePastMaxConnectionsIsRefusedWith503()
    {
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        await using var gateway = await SingleGateway.StartAsync(redis, ("Gateway__MaxConnections", "2"));
        await using var first = await GatewayClient.ConnectAsync(gateway, "first");
        await using var second = await GatewayClient.ConnectAsync(gateway, "second");

        var (status, problem) = await UpgradeAsync(gateway);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("gateway_full", (string?)problem?["code"]);
        Assert.Contains("Gateway:MaxConnections", (string?)problem?["detail"]);
        await first.SubscribeAsync("still-served");
    }

    [Fact]
    public async Task AConnectionPastMaxHttpConnectionsIsClosedUnansweredAndWebSocketsDoNotCount()
    {
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        await using var gateway = await SingleGateway.StartAsync(redis, ("Gateway__MaxHttpConnections", "4"));

        // The harness's HttpClient holds one keep-alive connection: it waited for /health through it, one request at a
        // time. A request through it now makes sure that connection is open, so three more fill the Gateway.
        using (var alive = await TestWait.For(gateway.Http.GetAsync("/alive", TestContext.Current.CancellationToken), "GET /alive through the harness's client"))
        {
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        }

        var held = new List<RawHttpConnection>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var connection = await RawHttpConnection.OpenAsync(gateway);
                held.Add(connection);
                Assert.Equal("HTTP/1.1 200 OK", await connection.GetAsync("/alive"));
            }

            await AssertClosedUnansweredAsync(gateway, "a fifth connection with Gateway:MaxHttpConnections=4");
            await TestWait.Until(
                () => Task.FromResult((gateway.Output.Contains("rejected because the maximum number of concurrent connections has been reached", StringComparison.Ordinal), "no such line")),
                "Kestrel to log the rejected connection");

            // A place given back is a place again; Kestrel sees the close a moment later, so refusals meanwhile are retried.
            held[0].Dispose();
            held[0] = await AnsweredAfterAPlaceIsFreedAsync(gateway, "a connection to be answered after one of the four closed");
            await AssertClosedUnansweredAsync(gateway, "a fifth connection once the freed place was taken again");

            // A WebSocket gives its place back when it upgrades: with one open, four HTTP connections fit again.
            held[0].Dispose();
            GatewayClient? upgraded = null;
            await TestWait.Until(async () =>
            {
                upgraded = await GatewayClient.ConnectAsync(gateway, "upgraded");
                return (true, "connected");
            }, "a WebSocket to connect through the freed place");
            await using var webSocket = upgraded!;
            held[0] = await AnsweredAfterAPlaceIsFreedAsync(gateway, "a fourth HTTP connection to be answered beside the open WebSocket");
            await AssertClosedUnansweredAsync(gateway, "a fifth HTTP connection beside four and the WebSocket");
            await webSocket.SubscribeAsync("still-served");
        }
        finally
        {
            held.ForEach(c => c.Dispose());
        }
    }

    /// <summary>Opens a connection and checks that Kestrel closes it without any HTTP answer: it is over the cap.</summary>
    private static async Task AssertClosedUnansweredAsync(GatewayProcess gateway, string what)
    {
        using var connection = await RawHttpConnection.OpenAsync(gateway);
        var answer = await connection.GetAsync("/alive");
        Assert.True(answer is null, $"{what} was answered '{answer}' instead of closed unanswered");
    }

    private static async Task<RawHttpConnection> AnsweredAfterAPlaceIsFreedAsync(GatewayProcess gateway, string what)
    {
        RawHttpConnection? answered = null;
        await TestWait.Until(async () =>
        {
            var connection = await RawHttpConnection.OpenAsync(gateway);
            try
            {
                var answer = await connection.GetAsync("/alive");
                if (answer == "HTTP/1.1 200 OK")
                {
                    answered = connection;
                    return (true, answer);
                }

                return (false, answer ?? "closed unanswered");
            }
            finally
            {
                if (answered != connection)
                {
                    connection.Dispose();
                }
            }
        }, what);
        return answered!;
    }

    /// <summary>
    /// A WebSocket upgrade request by hand, so the refusal's status and problem body can be read (a ClientWebSocket
    /// only throws); an accepted one (101) is dropped at once.
    /// </summary>
    private static async Task<(HttpStatusCode Status, JsonObject? Problem)> UpgradeAsync(GatewayProcess gateway)
    {
        using var http = gateway.CreateAnonymousHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ws");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", gateway.MintToken());
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new ProductHeaderValue("websocket"));
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken).WaitAsync(TestWait.Timeout);
        if (response.StatusCode == HttpStatusCode.SwitchingProtocols)
        {
            return (response.StatusCode, null);
        }

        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, JsonNode.Parse(body)?.AsObject());
    }

    private static int Occurrences(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
