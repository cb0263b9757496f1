using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;

namespace VibeZ.Redis.Tests;

[Trait("Category", "Integration")]
public sealed class ExtensionsTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task HealthAndAliveAnswerWhenRedisIsUp()
    {
        await using var app = await TestWebApp.StartAsync(Environments.Production, ("REDIS_URL", $"redis://127.0.0.1:{redis.Port}"), ("REDIS_PASSWORD", redis.Password));

        var health = await TestWait.For(app.Client.GetAsync("/health", TestContext.Current.CancellationToken), "GET /health");
        var alive = await TestWait.For(app.Client.GetAsync("/alive", TestContext.Current.CancellationToken), "GET /alive");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);

        // /health says why, check by check; /alive stays the bare status word probes have always read.
        var body = JsonNode.Parse(await health.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal("Healthy", (string?)body["status"]);
        Assert.Equal("Healthy", (string?)body["checks"]!["redis"]!["status"]);
        Assert.Contains("PING answered", (string?)body["checks"]!["redis"]!["description"]);
        Assert.Equal("Healthy", (string?)body["checks"]!["self"]!["status"]);
        Assert.Equal("Healthy", await alive.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.DoesNotContain(redis.Password, body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AliveStaysUpWhileHealthReportsRedisDown()
    {
        // Nothing listens on the port the NAT map sends us to; only the live-tagged self check should pass.
        await using var app = await TestWebApp.StartAsync(
            Environments.Production, ("REDIS_URL", "redis://nowhere:6379"), ("REDIS_NAT_MAP", "nowhere:6379=127.0.0.1:1"));

        var health = await TestWait.For(app.Client.GetAsync("/health", TestContext.Current.CancellationToken), "GET /health");
        var alive = await TestWait.For(app.Client.GetAsync("/alive", TestContext.Current.CancellationToken), "GET /alive");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        var body = JsonNode.Parse(await health.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal("Unhealthy", (string?)body["status"]);
        Assert.Equal("Unhealthy", (string?)body["checks"]!["redis"]!["status"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)body["checks"]!["redis"]!["description"]), body.ToJsonString());
    }
}
