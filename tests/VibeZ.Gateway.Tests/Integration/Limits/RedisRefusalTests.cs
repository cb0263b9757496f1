using System.Net;
using System.Text.Json.Nodes;
using VibeZ.Gateway.Tests.Infrastructure;

namespace VibeZ.Gateway.Tests.Integration.Limits;

/// <summary>
/// Redis saying no — out of memory, a command the Gateway's ACL user may not run (NOPERM), a script running too long
/// (BUSY), a script that fails — is an answer the client can read: an <c>error</c> frame, an HTTP problem, never a
/// dropped socket, an ack or a 500. Each case runs against a real redis-server made to refuse that way.
/// </summary>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed class RedisRefusalTests
{
    // Refused publishes sent in a row: if each one logged a line, the log would show it.
    private const int Refusals = 50;

    // A lasting refusal may cost a few lines (the first in full, then summaries), never one per refusal; the marker
    // that shows the log is flushed takes two of them (the console logger writes a category line and a message line).
    private const int MaxLogLines = 10;

    [Fact]
    public async Task AnOutOfMemoryRedisGivesRedisRefusedFramesAndA507ProblemAndTheSocketStaysOpen()
    {
        // 1 MB is below an empty redis-server's own footprint: every write is refused with OOM, every read still works.
        await using var redis = new RedisServerProcess(
            "redis-server", "test-" + Guid.NewGuid().ToString("N"), configFileText: null, "--maxmemory", "1mb", "--maxmemory-policy", "noeviction");
        await redis.InitializeAsync();
        await using var gateway = await SingleGateway.StartAsync(redis, ("Gateway__Durability", "Leader"));
        await using var client = await GatewayClient.ConnectAsync(gateway, "client");

        await client.SubscribeAsync("full");
        var lines = await AssertPublishesRefusedAsync(gateway, client, "full", "OOM", HttpStatusCode.InsufficientStorage, retryable: false);

        // Reads go on, and the socket that was refused is still served.
        using var history = await gateway.Http.GetAsync("/api/channels/full/messages", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, history.StatusCode);
        await client.SubscribeAsync("other");
        await AssertLogBoundedAsync(redis, gateway, "full", lines, "OOM");
    }

    [Fact]
    public async Task ACommandRevokedFromTheGatewaysAclUserGivesRedisRefusedWithNopermUntilItIsGrantedAgain()
    {
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        const string user = "vibez-gateway";
        var password = "gateway-" + Guid.NewGuid().ToString("N");
        await AclAsync(redis, "SETUSER", user, "on", $">{password}", "~*", "&*", "+@all");
        await using var gateway = await SingleGateway.StartAsync(redis, ("REDIS_USERNAME", user), ("REDIS_PASSWORD", password));
        await using var client = await GatewayClient.ConnectAsync(gateway, "client");
        await client.SubscribeAsync("acl");
        await PublishAndWaitForAckAsync(client, "acl", "before");

        // Appends are scripts: without EVAL and EVALSHA the user can read a channel but not publish to it.
        await AclAsync(redis, "SETUSER", user, "-eval", "-evalsha");
        var lines = await AssertPublishesRefusedAsync(gateway, client, "acl", "NOPERM", HttpStatusCode.BadGateway, retryable: false);

        await AclAsync(redis, "SETUSER", user, "+eval", "+evalsha");
        await PublishAndWaitForAckAsync(client, "acl", "after");
        await AssertLogBoundedAsync(redis, gateway, "acl", lines, "NOPERM");
    }

    [Fact]
    public async Task AScriptPastBusyReplyThresholdGivesRedisRefusedWithBusyAndTheGatewayRecoversWhenItEnds()
    {
        // Past 100 ms a running script makes Redis answer every other command with BUSY instead of queueing it.
        await using var redis = new RedisServerProcess(
            "redis-server", "test-" + Guid.NewGuid().ToString("N"), configFileText: null, "--busy-reply-threshold", "100");
        await redis.InitializeAsync();
        await using var gateway = await SingleGateway.StartAsync(redis);
        await using var client = await GatewayClient.ConnectAsync(gateway, "client");
        await client.SubscribeAsync("busy");
        await PublishAndWaitForAckAsync(client, "busy", "before");

        // Someone else's script spins for 4 s on Redis's only thread.
        const string spin = """
            local function now() local t = redis.call('TIME') return t[1] * 1000 + math.floor(t[2] / 1000) end
            local stop = now() + tonumber(ARGV[1])
            while now() < stop do end
            return 'done'
            """;
        var script = RedisCli.RunAsync(redis.Port, redis.Password, "EVAL", spin, "0", "4000");
        await TestWait.Until(async () =>
        {
            // redis-cli prints the error reply as it came; a client library's connect would fail on the BUSY first.
            var seen = await RedisCli.RunAsync(redis.Port, redis.Password, "PING");
            return (seen.Contains("BUSY", StringComparison.Ordinal), seen.Trim());
        }, "Redis to answer BUSY while the script spins");

        var lines = await AssertPublishesRefusedAsync(gateway, client, "busy", "BUSY", HttpStatusCode.BadGateway, retryable: true);

        Assert.Contains("done", await TestWait.For(script, "the spinning script to end"));
        await PublishAndWaitForAckAsync(client, "busy", "after");
        using var health = await gateway.Http.GetAsync("/health", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        await AssertLogBoundedAsync(redis, gateway, "busy", lines, "BUSY");
    }

    [Fact]
    public async Task AFailingAppendScriptGivesRedisRefusedForThatChannelOnlyAndA502ForItsHistory()
    {
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        await using var gateway = await SingleGateway.StartAsync(redis);
        await using var client = await GatewayClient.ConnectAsync(gateway, "client");

        // A channel whose state key is not the hash the append script expects: every append fails inside the script.
        Assert.Contains("OK", await RedisCli.RunAsync(redis.Port, redis.Password, "SET", "vibez:{broken}:meta", "not-a-hash"));
        var lines = await AssertPublishesRefusedAsync(gateway, client, "broken", "WRONGTYPE", HttpStatusCode.BadGateway, retryable: false);

        using var history = await gateway.Http.GetAsync("/api/channels/broken/messages", TestContext.Current.CancellationToken);
        var body = await history.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(history.StatusCode == HttpStatusCode.BadGateway, $"GET of a broken channel's history answered {(int)history.StatusCode}: {body}");
        Assert.Equal("redis_refused", (string?)JsonNode.Parse(body)?["code"]);

        // Other channels are not touched.
        await client.SubscribeAsync("intact");
        await PublishAndWaitForAckAsync(client, "intact", "intact-1");
        await AssertLogBoundedAsync(redis, gateway, "intact", lines, "a script error");
    }

    /// <summary>
    /// Publishes <see cref="Refusals"/> frames and one HTTP message into a refusing Redis: each frame gets a
    /// <c>redis_refused</c> error carrying Redis's <paramref name="reply"/> and <paramref name="retryable"/>, and no ack;
    /// the POST gets <paramref name="status"/> with the same code and flag, and the socket stays open.
    /// </summary>
    /// <returns>The Gateway's line count before, for <see cref="AssertLogBoundedAsync"/>.</returns>
    private static async Task<int> AssertPublishesRefusedAsync(
        GatewayProcess gateway, GatewayClient client, string channel, string reply, HttpStatusCode status, bool retryable)
    {
        var linesBefore = gateway.LineCount;
        var seen = client.Frames.Count;
        for (var i = 0; i < Refusals; i++)
        {
            await client.SendAsync(new { type = "publish", channel, data = i, id = $"refused-{i}" });
        }

        var answers = await client.WaitForCountAsync(
            f => (string?)f["id"] is { } id && id.StartsWith("refused-", StringComparison.Ordinal) && (string?)f["channel"] == channel,
            Refusals, $"answers to the publishes into {channel} that Redis refuses with {reply}");
        Assert.All(answers, a =>
        {
            Assert.True(GatewayClient.Is(a, "error"), $"a publish Redis refused was answered with {a.ToJsonString()}");
            Assert.Equal("redis_refused", (string?)a["code"]);
            Assert.Contains(reply, (string?)a["message"]);
            Assert.Equal(retryable, (bool?)a["retryable"]);
        });
        Assert.DoesNotContain(client.Frames.Skip(seen), f => GatewayClient.Is(f, "ack") || GatewayClient.IsMessage(f, channel));

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/channels/{channel}/messages")
        {
            Content = ProtocolTests.Json("""{"n":"http"}"""),
        };
        using var response = await gateway.Http.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == status, $"POST into a Redis that answers {reply} got {(int)response.StatusCode}, expected {(int)status}: {body}");
        Assert.Equal("redis_refused", (string?)JsonNode.Parse(body)?["code"]);
        Assert.Equal(retryable, (bool?)JsonNode.Parse(body)?["retryable"]);

        Assert.False(client.Ended, $"a refused publish must not close the socket ({client.CloseStatus} {client.CloseDescription})");
        Assert.False(gateway.HasExited, "the Gateway exited");
        return linesBefore;
    }

    /// <summary>
    /// Asserts that the Gateway logged at most <see cref="MaxLogLines"/> lines since <paramref name="linesBefore"/>. The
    /// console logger writes from a queue: a line the Gateway is known to log next (a live message on
    /// <paramref name="subscribed"/> not in its format) shows that everything logged before it has been written.
    /// </summary>
    private static async Task AssertLogBoundedAsync(RedisServerProcess redis, GatewayProcess gateway, string subscribed, int linesBefore, string what)
    {
        await RedisCli.RunAsync(redis.Port, redis.Password, "PUBLISH", $"vibez:{{{subscribed}}}:live", "not-a-gateway-frame");
        await TestWait.Until(
            () => Task.FromResult((gateway.Output.Contains("not in the Gateway's format", StringComparison.Ordinal), $"{gateway.LineCount} lines")),
            "the Gateway to log the malformed live message used as a marker");
        var during = gateway.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(linesBefore).ToList();
        Assert.True(during.Count <= MaxLogLines,
            $"{Refusals + 1} refusals ({what}) and the marker added {during.Count} log lines, expected at most {MaxLogLines}:\n{string.Join("\n", during.Take(40))}");
    }

    private static async Task PublishAndWaitForAckAsync(GatewayClient client, string channel, string id)
    {
        var seen = client.Frames.Count;
        await client.SendAsync(new { type = "publish", channel, data = id, id });
        var answer = await client.WaitForAsync(f => (string?)f["id"] == id && !GatewayClient.IsMessage(f, channel), $"the answer to publish {id}", after: seen);
        Assert.True(GatewayClient.Is(answer, "ack"), $"publish {id} was answered with {answer.ToJsonString()}");
    }

    private static async Task AclAsync(RedisServerProcess redis, params string[] arguments)
    {
        var answer = await RedisCli.RunAsync(redis.Port, redis.Password, ["ACL", .. arguments]);
        Assert.True(answer.Trim() == "OK", $"ACL {string.Join(' ', arguments.Where(a => !a.StartsWith('>')))} answered {answer}");
    }
}
