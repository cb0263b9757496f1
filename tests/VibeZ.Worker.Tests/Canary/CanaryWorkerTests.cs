using VibeZ.Testing.Processes;

namespace VibeZ.Worker.Tests.Canary;

/// <summary>A real Worker process running the canary between two real Gateways; its /health is what operators see.</summary>
[Trait("Category", "Integration")]
public sealed class CanaryWorkerTests : IAsyncLifetime
{
    private GatewayTopology _topology = null!;
    private ServiceProcess _worker = null!;

    public async ValueTask InitializeAsync()
    {
        _topology = await GatewayTopology.StartAsync("single");
        _worker = await ServiceProcess.StartAsync(
            ServiceProcess.BuildOutput("VibeZ.Worker"),
            "/alive",
            [
                .. _topology.RedisSettings,
                ("Canary__Enabled", "true"),
                ("Canary__PublishVia", _topology.First.WebSocketAddress.ToString()),
                ("Canary__ReceiveVia", _topology.Second.WebSocketAddress.ToString()),
                ("Canary__SigningKey", GatewayTokens.SigningKey),
                ("Canary__IntervalSeconds", "0.5"),
            ],
            TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        await _worker.DisposeAsync();
        await _topology.DisposeAsync();
    }

    [Fact]
    public async Task WorkerHealthIsHealthyWhileTheCanaryGoesRoundAndDegradedOnceSubscriptionsAreRefused()
    {
        await WaitForHealthAsync("Healthy");

        var redis = _topology.Single!;
        Assert.Contains("OK", await RedisCli.RunAsync(redis.Port, redis.Password, "ACL", "SETUSER", "default", "resetchannels"));
        await RedisCli.RunAsync(redis.Port, redis.Password, "CLIENT", "KILL", "TYPE", "pubsub");

        await WaitForHealthAsync("Degraded");
        Assert.Equal("PONG", (await RedisCli.RunAsync(redis.Port, redis.Password, "PING")).Trim());
    }

    private Task WaitForHealthAsync(string expected) =>
        TestWait.Until(async () =>
        {
            using var response = await _worker.Http.GetAsync("/health");
            var body = await response.Content.ReadAsStringAsync();
            return (HealthAnswer.Status(body) == expected, $"{(int)response.StatusCode} {body}");
        }, $"the Worker's /health to say {expected}\n--- worker ---\n{_worker.Output}\n{_topology.Logs}");
}
