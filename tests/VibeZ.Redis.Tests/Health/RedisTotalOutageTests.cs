using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using VibeZ.Redis.Configuration;
using VibeZ.Redis.Health;
using VibeZ.Redis.Resilience;

namespace VibeZ.Redis.Tests.Health;

/// <summary>
/// Every Redis process of a topology goes away at once, with a service (the real web app, <c>/health</c> included)
/// running against it: health must say so with a reason, the process must keep serving, and health must come back
/// when Redis does, on the same ports.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RedisTotalOutageTests
{
    [Fact]
    public async Task SingleServerStoppedAndStartedAgainTurnsHealthUnhealthyWithAReasonAndThenHealthyAgain()
    {
        await using var server = new RedisServerProcess();
        await server.InitializeAsync();

        await RideOutOutageAsync(
            [("REDIS_URL", $"redis://127.0.0.1:{server.Port}"), ("REDIS_PASSWORD", server.Password)],
            stop: () =>
            {
                server.Kill();
                return Task.CompletedTask;
            },
            start: () => server.StartAsync(),
            expectedReason: "Redis (Single) did not answer");
    }

    [Fact]
    public async Task HungSingleServerTurnsHealthUnhealthyWithinTheCheckTimeoutAndHealthyAgainWhenItResumes()
    {
        await using var server = new RedisServerProcess();
        await server.InitializeAsync();

        // SIGSTOP: the sockets stay open and nothing answers, so only timeouts can tell (the check's own 5 s one).
        await RideOutOutageAsync(
            [("REDIS_URL", $"redis://127.0.0.1:{server.Port}"), ("REDIS_PASSWORD", server.Password)],
            stop: () =>
            {
                server.Pause();
                return Task.CompletedTask;
            },
            start: () =>
            {
                server.Resume();
                return Task.CompletedTask;
            },
            expectedReason: null);
    }

    [Fact]
    public async Task SentinelTopologyStoppedAndStartedAgainTurnsHealthUnhealthyWithAReasonAndThenHealthyAgain()
    {
        await using var topology = await SentinelProcesses.StartAsync();

        await RideOutOutageAsync(
            topology.HostConfiguration,
            stop: () =>
            {
                topology.KillAll();
                return Task.CompletedTask;
            },
            start: topology.StartAllAsync,
            expectedReason: $"No connected sentinel named a primary for '{SentinelProcesses.Service}'");
    }

    [Fact]
    public async Task ClusterStoppedAndStartedAgainTurnsHealthUnhealthyWithAReasonAndThenHealthyAgain()
    {
        await using var cluster = await RedisClusterProcesses.StartAsync(nodeTimeoutMilliseconds: 2000);

        await RideOutOutageAsync(
            cluster.HostConfiguration,
            stop: () =>
            {
                cluster.KillAll();
                return Task.CompletedTask;
            },
            start: cluster.StartAllAsync,
            expectedReason: "No cluster node is connected.");
    }

    /// <param name="redis">The settings that point the service at the topology.</param>
    /// <param name="stop">Stops every Redis process of the topology.</param>
    /// <param name="start">Starts them again on the same ports.</param>
    /// <param name="expectedReason">What the unhealthy reason must contain; null where more than one wording is right.</param>
    private static async Task RideOutOutageAsync((string Key, string? Value)[] redis, Func<Task> stop, Func<Task> start, string? expectedReason)
    {
        await using var app = await TestWebApp.StartAsync(
            Environments.Production,
            builder => builder.Logging.ClearProviders().AddFakeLogging(),
            [.. redis,
                ("Redis:HealthCheckIntervalSeconds", "1"),
                ("Redis:Resilience:TotalTimeoutSeconds", "2"),
                ("Redis:Resilience:AttemptTimeoutMilliseconds", "1000")]);
        var health = app.App.Services.GetRequiredService<IRedisHealthStatus>();
        var resilience = app.App.Services.GetRequiredService<IRedisResilience>();
        var logs = app.App.Services.GetFakeLogCollector();
        var key = "vibez:test:outage:" + Guid.NewGuid().ToString("N");

        await WaitForHealthAsync(app, health, healthy: true, expectedReason: null, "Redis to be healthy before the outage");
        await TestWait.For(resilience.ExecuteIdempotentAsync("test.outage.before", (db, _) => db.StringSetAsync(key, "before"), TestContext.Current.CancellationToken), "a write before the outage");

        await stop();
        var clock = Stopwatch.StartNew();
        var during = await WaitForHealthAsync(app, health, healthy: false, expectedReason, "health to turn unhealthy while every Redis process is down");
        var unhealthyAfter = clock.Elapsed;
        TestContext.Current.TestOutputHelper?.WriteLine($"Unhealthy {unhealthyAfter.TotalMilliseconds:0} ms into the outage: {during.Reason}");

        // A refused connection is known at once; silence only when the check's own timeout runs out. The slack is for a
        // loaded machine, not for a second timeout.
        Assert.True(
            unhealthyAfter <= RedisDefaults.HealthCheckTimeout + TimeSpan.FromSeconds(3),
            $"Health turned unhealthy {unhealthyAfter.TotalMilliseconds:0} ms into the outage; expected within the check's {RedisDefaults.HealthCheckTimeout.TotalSeconds:0} s timeout (+ 3 s).");

        // The process keeps serving and callers get a typed error, not a hang.
        var alive = await TestWait.For(app.Client.GetAsync("/alive", TestContext.Current.CancellationToken), "GET /alive during the outage");
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        var failure = await Record.ExceptionAsync(() => TestWait.For(
            resilience.ExecuteIdempotentAsync("test.outage.during", (db, _) => db.StringGetAsync(key), TestContext.Current.CancellationToken),
            "a read during the outage to give up"));
        Assert.True(failure is RedisUnavailableException, $"A read during the outage should fail with RedisUnavailableException; it ended with {failure?.GetType().Name ?? "success"}: {failure?.Message}");
        await WaitForLogAsync(logs, "RedisBecameUnhealthy", "the health monitor to log 'Redis became unhealthy'");

        await start();
        clock.Restart();
        var after = await WaitForHealthAsync(app, health, healthy: true, expectedReason: null, "health to turn healthy again once Redis is back on the same ports");
        TestContext.Current.TestOutputHelper?.WriteLine($"Healthy again {clock.ElapsedMilliseconds} ms after Redis was back: {after.Reason}");
        await TestWait.Until(
            async () => (await resilience.ExecuteIdempotentAsync("test.outage.after", (db, _) => db.StringSetAsync(key, "after"), TestContext.Current.CancellationToken), "SET returned false"),
            "a write after Redis came back");
        await WaitForLogAsync(logs, "RedisBecameHealthy", "the health monitor to log 'Redis is healthy again'");

        Assert.False(app.App.Lifetime.ApplicationStopping.IsCancellationRequested, "The app began stopping during the outage.");
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Id.Name == "RedisConnectionEventHandlerFailed" || r.Level == LogLevel.Critical);
    }

    /// <summary>Polls both <c>/health</c> and <see cref="IRedisHealthStatus"/> until they agree on <paramref name="healthy"/>.</summary>
    private static async Task<RedisHealthReport> WaitForHealthAsync(TestWebApp app, IRedisHealthStatus health, bool healthy, string? expectedReason, string what)
    {
        RedisHealthReport? last = null;
        await TestWait.Until(
            async () =>
            {
                // Side by side: against a hung Redis each waits out the check's 5 s timeout.
                var check = health.CheckAsync(TestContext.Current.CancellationToken);
                var response = await app.Client.GetAsync("/health", TestContext.Current.CancellationToken);
                var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                last = await check;
                var httpAgrees = healthy
                    ? response.StatusCode == HttpStatusCode.OK && HealthAnswer.Status(body) == "Healthy"
                    : response.StatusCode == HttpStatusCode.ServiceUnavailable && HealthAnswer.Status(body) == "Unhealthy";
                var reasonAgrees = last.IsHealthy == healthy
                    && !string.IsNullOrWhiteSpace(last.Reason)
                    && (expectedReason is null || last.Reason.Contains(expectedReason, StringComparison.Ordinal));
                return (httpAgrees && reasonAgrees, $"/health answered {(int)response.StatusCode} '{body}'; IRedisHealthStatus said {last.Status}: {last.Reason}");
            },
            what + (expectedReason is null ? string.Empty : $" (reason containing '{expectedReason}')"));
        return last!;
    }

    private static async Task WaitForLogAsync(FakeLogCollector logs, string eventName, string what) =>
        await TestWait.Until(
            () => Task.FromResult((
                logs.GetSnapshot().Any(r => r.Id.Name == eventName),
                string.Join(" | ", logs.GetSnapshot().Where(r => r.Category?.StartsWith("VibeZ", StringComparison.Ordinal) == true).Select(r => r.Message).TakeLast(10)))),
            what);
}
