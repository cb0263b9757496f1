using System.Net;
using System.Text.Json.Nodes;
using VibeZ.Gateway.Tests.Infrastructure;

namespace VibeZ.Gateway.Tests.Integration;

/// <summary>
/// Redis saying no (here: out of memory, a real redis-server with a tiny <c>maxmemory</c> and <c>noeviction</c>) is an
/// answer the client can read — an <c>error</c> frame, an HTTP problem — never a dropped socket or a 500.
/// </summary>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed class RedisRefusalTests
{
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
        await client.SendAsync(new { type = "publish", channel = "full", data = 1, id = "p-1" });
        var refused = await client.WaitForAsync(f => GatewayClient.Is(f, "error") && (string?)f["id"] == "p-1", "the answer to a publish into an out-of-memory Redis");
        Assert.Equal("redis_refused", (string?)refused["code"]);
        Assert.Contains("OOM", (string?)refused["message"]);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/channels/full/messages")
        {
            Content = new StringContent("""{"n":2}""", System.Text.Encoding.UTF8, "application/json"),
        };
        using var response = await gateway.Http.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.InsufficientStorage, $"POST into an out-of-memory Redis answered {(int)response.StatusCode}: {body}");
        Assert.Equal("redis_refused", (string?)JsonNode.Parse(body)?["code"]);

        // Reads go on, and the socket that was refused is still served.
        using var history = await gateway.Http.GetAsync("/api/channels/full/messages", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, history.StatusCode);
        await client.SubscribeAsync("other");
        Assert.False(client.Ended, "a refused publish must not close the socket");
    }
}
