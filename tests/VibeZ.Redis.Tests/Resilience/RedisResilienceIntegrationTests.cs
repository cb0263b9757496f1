using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VibeZ.Redis.Connection;
using VibeZ.Redis.Health;
using VibeZ.Redis.Resilience;

namespace VibeZ.Redis.Tests.Resilience;

[Trait("Category", "Integration")]
public sealed class RedisResilienceIntegrationTests
{
    [Fact]
    public async Task AnIdempotentWriteIssuedWhileRedisIsDownSucceedsWhenItComesBackWithinTheBudget()
    {
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        using var host = Build(redis, totalTimeoutSeconds: 10);

        // Starting validates the settings and runs the monitor beside the operations, as in a service.
        await host.StartAsync(TestContext.Current.CancellationToken);
        var resilience = host.Services.GetRequiredService<IRedisResilience>();
        var key = "vibez:test:resilience:" + Guid.NewGuid().ToString("N");
        await TestWait.For(resilience.ExecuteIdempotentAsync("test.warm-up", (db, _) => db.PingAsync(), TestContext.Current.CancellationToken), "a first PING");

        redis.Kill();
        var stopwatch = Stopwatch.StartNew();
        var write = resilience.ExecuteIdempotentAsync("test.set", (db, _) => db.StringSetAsync(key, "written-across-a-restart"), TestContext.Current.CancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        Assert.False(write.IsCompleted, $"The write finished while Redis was down: {write.Status}.");
        await redis.StartAsync();

        Assert.True(await TestWait.For(write, "the write retried across the restart"));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"The write took {stopwatch.Elapsed}, more than its budget.");

        // Redis restarted empty (no persistence), so the value proves the write reached the new process.
        var value = await TestWait.For(resilience.ExecuteIdempotentAsync("test.get", (db, _) => db.StringGetAsync(key), TestContext.Current.CancellationToken), "reading the value back");
        Assert.Equal("written-across-a-restart", value.ToString());
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task AnOperationFailsWithRedisUnavailableWithinTheBudgetWhileRedisStaysDownAndHealthFollowsTheOutage()
    {
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        using var host = Build(redis, totalTimeoutSeconds: 3);
        var resilience = host.Services.GetRequiredService<IRedisResilience>();
        var health = host.Services.GetRequiredService<IRedisHealthStatus>();
        await TestWait.For(resilience.ExecuteIdempotentAsync("test.warm-up", (db, _) => db.PingAsync(), TestContext.Current.CancellationToken), "a first PING");
        var before = await TestWait.For(health.CheckAsync(TestContext.Current.CancellationToken), "the health check before the outage");
        Assert.True(before.IsHealthy, $"Redis was not healthy before the outage: {before.Reason}");

        redis.Kill();
        var stopwatch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<RedisUnavailableException>(
            () => TestWait.For(resilience.ExecuteIdempotentAsync("test.get", (db, _) => db.StringGetAsync("vibez:test:missing"), TestContext.Current.CancellationToken), "the read to give up"));
        stopwatch.Stop();

        Assert.Equal("test.get", ex.OperationName);
        // The budget, not a hang: the upper bound leaves room for a loaded 2-core machine, far short of "forever".
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromSeconds(2.9), TimeSpan.FromSeconds(3) + TimeSpan.FromSeconds(2.5));
        Assert.NotNull(ex.InnerException);

        var during = await TestWait.For(health.CheckAsync(TestContext.Current.CancellationToken), "the health check during the outage");
        Assert.False(during.IsHealthy, $"Redis was reported healthy while it was down: {during.Reason}");
        Assert.False(string.IsNullOrWhiteSpace(during.Reason));

        await redis.StartAsync();
        await TestWait.Until(
            async () =>
            {
                var report = await health.CheckAsync(TestContext.Current.CancellationToken);
                return (report.IsHealthy, report.Reason);
            },
            "the health check to pass after the restart");
    }

    private static IHost Build(RedisServerProcess redis, int totalTimeoutSeconds)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "VibeZ.Redis.Tests",
            EnvironmentName = Environments.Development,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["REDIS_URL"] = $"redis://127.0.0.1:{redis.Port}",
            ["REDIS_PASSWORD"] = redis.Password,
            ["Redis:Resilience:TotalTimeoutSeconds"] = totalTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        builder.AddVibeZRedis();
        builder.AddVibeZRedisResilience();
        return builder.Build();
    }
}
