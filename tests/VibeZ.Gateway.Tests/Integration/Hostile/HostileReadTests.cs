using System.Net;
using System.Text.Json.Nodes;
using VibeZ.Gateway.Tests.Infrastructure;

namespace VibeZ.Gateway.Tests.Integration.Hostile;

/// <summary>
/// Reads never write, and numbers past what a channel can hold are refused: against a real redis-server and a real
/// Gateway, a channel nobody published to leaves no keys behind, whatever is read of it.
/// </summary>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed class HostileReadTests
{
    [Fact]
    public async Task SubscribingResumingAndReadingHistoryOfAnUnpublishedChannelCreateNoKeys()
    {
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        await using var gateway = await SingleGateway.StartAsync(redis);
        await using var reader = await GatewayClient.ConnectAsync(gateway, "reader");

        await reader.SubscribeAsync("never-1");
        await reader.SubscribeAsync("never-2", since: new { epoch = "made-up", offset = 5 });
        await reader.SendAsync(new { type = "unsubscribe", channel = "never-1" });
        await reader.WaitForAsync(f => GatewayClient.Is(f, "unsubscribed"), "unsubscribed from never-1");
        using (var history = await gateway.Http.GetAsync("/api/channels/never-3/messages?since=0", TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, history.StatusCode);
        }

        var keys = await ChannelKeysAsync(redis, gateway);
        Assert.True(keys.Length == 0, $"reads of channels never published to left keys in Redis: {string.Join(", ", keys)}");

        // The first publish is what creates the channel (and its epoch).
        await ProtocolTests.PostAsync(gateway, "never-2", """{"n":1}""", key: "first");
        keys = await ChannelKeysAsync(redis, gateway);
        Assert.Contains(keys, key => key.Contains("never-2", StringComparison.Ordinal));
        Assert.DoesNotContain(keys, key => key.Contains("never-1", StringComparison.Ordinal));
        Assert.DoesNotContain(keys, key => key.Contains("never-3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PresenceKeysExistOnlyWhileASubscriptionWithPresenceIsOpen()
    {
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        await using var gateway = await SingleGateway.StartAsync(redis);
        await using var reader = await GatewayClient.ConnectAsync(gateway, "reader");

        // A plain subscribe writes nothing, presence or otherwise.
        await reader.SubscribeAsync("plain-1");
        await reader.SendAsync(new { type = "subscribe", channel = "plain-2", presence = false });
        await reader.WaitForAsync(f => GatewayClient.Is(f, "subscribed") && (string?)f["channel"] == "plain-2", "subscribed to plain-2");
        using (var presence = await gateway.Http.GetAsync("/api/channels/plain-1/presence", TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, presence.StatusCode);
        }

        var keys = await ChannelKeysAsync(redis, gateway);
        Assert.True(keys.Length == 0, $"plain subscribes and a presence read left keys in Redis: {string.Join(", ", keys)}");

        await PresenceTests.SubscribeWithPresenceAsync(reader, "present-1");
        Assert.Equal(["vibez:{present-1}:presence"], await ChannelKeysAsync(redis, gateway));

        await reader.SendAsync(new { type = "unsubscribe", channel = "present-1" });
        await reader.WaitForAsync(f => GatewayClient.Is(f, "unsubscribed") && (string?)f["channel"] == "present-1", "unsubscribed from present-1");
        keys = await ChannelKeysAsync(redis, gateway);
        Assert.True(keys.Length == 0, $"an unsubscribe with presence left keys in Redis: {string.Join(", ", keys)}");
    }

    /// <summary>
    /// Every key in Redis except the Gateway's own registry entry and the registry's index, which exist while the
    /// Gateway runs, whatever its clients do (docs/limits.md, "Reads never write").
    /// </summary>
    private static async Task<string[]> ChannelKeysAsync(RedisServerProcess redis, GatewayProcess gateway)
    {
        string[] registry = ["vibez:gateways:{all}:index", "vibez:gateways:{all}:n:" + gateway.Node];
        var keys = await RedisCli.RunAsync(redis.Port, redis.Password, "--scan");
        return [.. keys.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(key => !registry.Contains(key)).Order()];
    }

    [Theory]
    [InlineData("since=9223372036854775807")]
    [InlineData("since=9223372036854775808")]
    [InlineData("since=-1")]
    [InlineData("since=1e3")]
    [InlineData("limit=2147483648")]
    [InlineData("limit=0")]
    [InlineData("since=0&limit=-5")]
    public async Task AnOverflowingOrNegativeHistoryQueryIsA400Problem(string query)
    {
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        await using var gateway = await SingleGateway.StartAsync(redis);
        await ProtocolTests.PostAsync(gateway, "numbers", """{"n":1}""", key: "one");

        using var response = await gateway.Http.GetAsync($"/api/channels/numbers/messages?{query}", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"?{query} answered {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("invalid_frame", (string?)JsonNode.Parse(body)?["code"]);
    }
}
