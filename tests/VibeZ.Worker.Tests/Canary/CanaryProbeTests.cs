using Microsoft.Extensions.Diagnostics.HealthChecks;
using VibeZ.Worker.Canary;

namespace VibeZ.Worker.Tests.Canary;

/// <summary>The canary against a real redis-server and two real Gateway processes, over real WebSockets.</summary>
[Trait("Category", "Integration")]
public sealed class CanaryProbeTests : IAsyncLifetime
{
    private const string Channel = "vibez-canary";

    // A round on Gateways that have served nobody yet (JIT, first Redis subscription) on a loaded two-core machine, and
    // the rounds after it, which must notice a broken path within a few canary intervals.
    private static readonly TimeSpan FirstRoundTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RoundTimeout = TimeSpan.FromSeconds(3);

    private string? _lastFailure;

    private GatewayTopology _topology = null!;

    public async ValueTask InitializeAsync() => _topology = await GatewayTopology.StartAsync("single");

    public ValueTask DisposeAsync() => _topology.DisposeAsync();

    [Fact]
    public async Task ARoundGoesFromOneGatewayToTheOtherWithATokenGrantingOnlyTheCanaryChannel()
    {
        var token = _topology.First.MintToken(subject: "vibez-canary", subscribe: Channel, publish: Channel, history: "", apiPublish: "");
        var health = new CanaryHealth(TimeProvider.System, TimeSpan.FromSeconds(5));

        var roundTrip = await RunRoundAsync(token, health, FirstRoundTimeout);

        Assert.True(roundTrip is { } rtt && rtt > TimeSpan.Zero, $"the round failed: {_lastFailure}\n{_topology.Logs}");
        Assert.Equal(HealthStatus.Healthy, (await Check(health)).Status);
    }

    [Fact]
    public async Task ABrokenPubSubPathTurnsHealthDegradedWhilePingStillSucceeds()
    {
        var token = _topology.First.MintToken(subject: "vibez-canary", subscribe: Channel, publish: Channel, history: "", apiPublish: "");
        var interval = TimeSpan.FromMilliseconds(300);
        var health = new CanaryHealth(TimeProvider.System, interval);
        Assert.True(await RunRoundAsync(token, health, FirstRoundTimeout) is not null, $"the first round failed: {_lastFailure}\n{_topology.Logs}");
        var redis = _topology.Single!;

        // Kept broken for real, not only killed once: the Gateways' user loses every pub/sub channel, so their reconnected
        // subscription connection is refused (NOPERM) and PUBLISH is refused as well; PING and key commands still work.
        var acl = await RedisCli.RunAsync(redis.Port, redis.Password, "ACL", "SETUSER", "default", "resetchannels");
        Assert.Contains("OK", acl);
        var killed = await RedisCli.RunAsync(redis.Port, redis.Password, "CLIENT", "KILL", "TYPE", "pubsub");

        await TestWait.Until(async () =>
        {
            await RunRoundAsync(token, health, RoundTimeout);
            var result = await Check(health);
            return (result.Status == HealthStatus.Degraded, $"{result.Status}: {result.Description}");
        }, $"canary health to turn Degraded after {CanaryHealth.MissedIntervals} intervals of {interval.TotalMilliseconds} ms (CLIENT KILL said '{killed.Trim()}')");

        var degraded = await Check(health);
        Assert.StartsWith("no canary has gone round for", degraded.Description);
        Assert.Contains(Channel, degraded.Description);
        // The failure a PING-only check misses: Redis answers PING and the Gateway's own /health still says 200.
        Assert.Equal("PONG", (await RedisCli.RunAsync(redis.Port, redis.Password, "PING")).Trim());
        using var gatewayHealth = await _topology.Second.Http.GetAsync("/health", TestContext.Current.CancellationToken);
        Assert.True(gatewayHealth.IsSuccessStatusCode, $"the Gateway's /health answered {(int)gatewayHealth.StatusCode}");
    }

    private async Task<TimeSpan?> RunRoundAsync(string token, CanaryHealth health, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            var roundTrip = await new CanaryProbe(TimeProvider.System).RunAsync(
                _topology.First.WebSocketAddress, _topology.Second.WebSocketAddress, Channel, token, timeout.Token);
            health.Succeeded(roundTrip);
            return roundTrip;
        }
        catch (CanaryFailedException ex)
        {
            health.Failed(ex.Message);
            _lastFailure = ex.Message;
            return null;
        }
    }

    private static Task<HealthCheckResult> Check(CanaryHealth health) =>
        health.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("canary", health, null, null) });
}
