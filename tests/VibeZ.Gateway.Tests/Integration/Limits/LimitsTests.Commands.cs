using System.Net.WebSockets;
using System.Text.Json.Nodes;
using VibeZ.Gateway.Tests.Infrastructure;

namespace VibeZ.Gateway.Tests.Integration.Limits;

/// <summary>Limits on what one connection may ask: channels per connection and commands per second.</summary>
public sealed partial class LimitsTests
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

    private static async Task<JsonObject> SendAndWaitForErrorAsync(GatewayClient client, object frame, string what)
    {
        var seen = client.Frames.Count;
        await client.SendAsync(frame);
        return await client.WaitForAsync(f => GatewayClient.Is(f, "error"), what, after: seen);
    }

    private static bool IsError(JsonObject frame, string code) => GatewayClient.Is(frame, "error") && (string?)frame["code"] == code;
}
