using System.Net;
using System.Text.Json.Nodes;
using VibeZ.Testing.Processes;

namespace VibeZ.Worker.Tests.Broadcasts;

/// <summary>
/// A running Worker's <c>/health</c> body carries its broadcast lag (pending entries, how overdue the earliest due
/// broadcast is, dead letters) as the <c>broadcasts</c> check's data, beside every other check's status: what an
/// operator reads without a metrics pipeline. A real Worker process on a real redis-server.
/// </summary>
[Trait("Category", "Integration")]
public sealed class BroadcastHealthTests
{
    private const string Dead = "vibez:broadcasts:{all}:dead";

    [Fact]
    public async Task TheWorkersHealthBodyReportsTheBroadcastLagItSampled()
    {
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();

        // Two dead letters a Worker wrote earlier: nothing trims or reads the dead stream, so the count stays 2.
        await RedisCli.RunAsync(redis.Port, redis.Password, "XADD", Dead, "*", "id", "h-1", "reason", "invalid_broadcast", "attempts", "1");
        await RedisCli.RunAsync(redis.Port, redis.Password, "XADD", Dead, "*", "id", "h-2", "reason", "invalid_broadcast", "attempts", "1");

        await using var worker = await ServiceProcess.StartAsync(
            ServiceProcess.BuildOutput("VibeZ.Worker"),
            "/alive",
            [("REDIS_MODE", "single"), ("REDIS_URL", $"redis://127.0.0.1:{redis.Port}"), ("REDIS_PASSWORD", redis.Password)],
            TimeSpan.FromSeconds(30));

        JsonObject health = null!;
        await TestWait.Until(async () =>
        {
            using var response = await worker.Http.GetAsync("/health", TestContext.Current.CancellationToken);
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            health = JsonNode.Parse(body)!.AsObject();
            var sampled = (string?)health["checks"]?["broadcasts"]?["data"]?["sampledAt"];
            return (response.StatusCode == HttpStatusCode.OK && sampled is not null && sampled != "never", $"{(int)response.StatusCode} {body}");
        }, $"the Worker's /health to report a broadcast lag sample\n--- worker ---\n{worker.Output}", TimeSpan.FromSeconds(30));

        Assert.Equal("Healthy", (string?)health["status"]);
        var broadcasts = health["checks"]!["broadcasts"]!.AsObject();
        Assert.Equal("Healthy", (string?)broadcasts["status"]);
        Assert.Equal("broadcasts are on time", (string?)broadcasts["description"]);
        var data = broadcasts["data"]!.AsObject();
        Assert.Equal(2, (long)data["dead"]!);
        Assert.Equal(0, (long)data["pending"]!);
        Assert.Equal(0, (double)data["oldestDueAgeSeconds"]!);
        Assert.True(DateTimeOffset.TryParse((string?)data["sampledAt"], out _), $"sampledAt is not a time: {data.ToJsonString()}");
        Assert.Equal("Healthy", (string?)health["checks"]!["redis"]!["status"]);
        Assert.DoesNotContain(redis.Password, health.ToJsonString(), StringComparison.Ordinal);
    }
}
