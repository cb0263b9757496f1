using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using VibeZ.Gateway.Tests.Infrastructure;

namespace VibeZ.Gateway.Tests.Integration.Limits;

/// <summary>
/// Per-connection and per-Gateway limits (docs/limits.md), each against a real redis-server, a real Gateway process and
/// real WebSocket clients: over a limit the client gets the limit's error code, and the Gateway goes on serving.
/// </summary>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed class LimitsTests
{
    [Fact]
    public async Task OneChannelPastMaxChannelsPerConnectionIsRefusedWithTooManyChannelsUntilOneIsLeft()
    {
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        await using var gateway = await SingleGateway.StartAsync(redis, ("Gateway__MaxChannelsPerConnection", "3"));
        await using var client = await GatewayClient.ConnectAsync(gateway, "collector");
        await client.SubscribeAsync("a");
        await client.SubscribeAsync("b");
        await client.SubscribeAsync("c");

        var refused = await SendAndWaitForErrorAsync(client, new { type = "subscribe", channel = "d", id = "s-d" }, "the refusal of a fourth channel");
        Assert.Equal("too_many_channels", (string?)refused["code"]);
        Assert.Equal("d", (string?)refused["channel"]);
        Assert.False((bool)refused["retryable"]!);

        // Subscribing again to a channel it holds (to resume elsewhere) is no extra channel.
        await client.SubscribeAsync("b", since: new { epoch = "e", offset = 0 });
        await client.SendAsync(new { type = "unsubscribe", channel = "a" });
        await client.WaitForAsync(f => GatewayClient.Is(f, "unsubscribed") && (string?)f["channel"] == "a", "unsubscribed from a");
        await client.SubscribeAsync("d");
        Assert.False(client.Ended, "the connection stays open over the limit");
    }

    [Fact]
    public async Task SubscribeChurnPastCommandsPerSecondGetsRateLimitedAndTheBucketRefills()
    {
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        await using var gateway = await SingleGateway.StartAsync(redis, ("Gateway__CommandsPerSecond", "1"), ("Gateway__CommandBurst", "20"));
        await using var client = await GatewayClient.ConnectAsync(gateway, "churner");

        // 30 subscribe/unsubscribe frames at once: the bucket holds 20 and gets 1 more each second, so up to 10 are
        // refused (at least 5 unless sending took 5 s); fewer than a burst in a row, so this is throttling, not abuse.
        for (var i = 0; i < 15; i++)
        {
            await client.SendAsync(new { type = "subscribe", channel = "churn", id = $"s-{i}" });
            await client.SendAsync(new { type = "unsubscribe", channel = "churn", id = $"u-{i}" });
        }

        var limited = await client.WaitForCountAsync(f => IsError(f, "rate_limited"), 5, "rate_limited errors for churn past the burst");
        Assert.All(limited, f => Assert.True((bool)f["retryable"]!, $"rate_limited is retryable: {f.ToJsonString()}"));
        Assert.All(limited, f => Assert.Equal("churn", (string?)f["channel"]));
        Assert.Contains(limited, f => ((string?)f["id"])?.StartsWith('u') == true);

        // The bucket gets a token a second: a client that backs off as rate_limited asks (one try a second, not a
        // poll loop, which would itself be refused in a row and closed) gets through within a few tries.
        var answers = new List<string>();
        for (var attempt = 0; attempt < 5 && !answers.Any(a => a.Contains("\"subscribed\"", StringComparison.Ordinal)); attempt++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1.1), TestContext.Current.CancellationToken);
            var seen = client.Frames.Count;
            await client.SendAsync(new { type = "subscribe", channel = "after", id = $"later-{attempt}" });
            answers.Add((await client.WaitForAsync(f => (string?)f["channel"] == "after", "the answer to a later subscribe", after: seen)).ToJsonString());
        }

        Assert.True(answers.Any(a => a.Contains("\"subscribed\"", StringComparison.Ordinal)), $"no subscribe got through once a second for 5 s: {string.Join(" | ", answers)}");
        Assert.False(client.Ended, "a client that was only rate limited stays connected");
    }

    [Fact]
    public async Task AClientThatKeepsSendingIntoAnEmptyBucketIsClosedWithPolicyViolation()
    {
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        await using var gateway = await SingleGateway.StartAsync(redis, ("Gateway__CommandsPerSecond", "1"), ("Gateway__CommandBurst", "5"));
        await using var abuser = await GatewayClient.ConnectAsync(gateway, "abuser");
        await using var bystander = await GatewayClient.ConnectAsync(gateway, "bystander");

        for (var i = 0; i < 40 && !abuser.Ended; i++)
        {
            try
            {
                await abuser.SendAsync(new { type = "publish", channel = "flood", data = i, id = $"f-{i}" });
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // Closed mid-flood: what this test waits for.
                break;
            }
        }

        await abuser.WaitUntilClosedAsync();
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, abuser.CloseStatus);
        Assert.Contains("rate limit", abuser.CloseDescription);
        Assert.Contains(abuser.Frames, f => IsError(f, "rate_limited"));

        // The bucket is per connection: another client on the same Gateway is untouched.
        await bystander.SubscribeAsync("flood");
    }

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

    private static async Task<JsonObject> SendAndWaitForErrorAsync(GatewayClient client, object frame, string what)
    {
        var seen = client.Frames.Count;
        await client.SendAsync(frame);
        return await client.WaitForAsync(f => GatewayClient.Is(f, "error"), what, after: seen);
    }

    private static bool IsError(JsonObject frame, string code) => GatewayClient.Is(frame, "error") && (string?)frame["code"] == code;

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
