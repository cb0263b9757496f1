using System.Net;
using System.Text.Json.Nodes;
using VibeZ.Gateway.Tests.Infrastructure;

namespace VibeZ.Gateway.Tests.Integration;

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

        var keys = await RedisCli.RunAsync(redis.Port, redis.Password, "--scan");
        Assert.True(string.IsNullOrWhiteSpace(keys), $"reads of channels never published to left keys in Redis: {keys}");

        // The first publish is what creates the channel (and its epoch).
        await ProtocolTests.PostAsync(gateway, "never-2", """{"n":1}""", key: "first");
        keys = await RedisCli.RunAsync(redis.Port, redis.Password, "--scan");
        Assert.Contains("never-2", keys);
        Assert.DoesNotContain("never-1", keys);
        Assert.DoesNotContain("never-3", keys);
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
