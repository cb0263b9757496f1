using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using VibeZ.Redis.Configuration;

namespace VibeZ.Redis.Tests.Health;

/// <summary>The <c>redis</c> health check against a real redis-server whose <c>maxmemory</c> the test moves.</summary>
[Trait("Category", "Integration")]
public sealed class RedisMemoryHealthTests : IAsyncLifetime
{
    private readonly RedisServerProcess _redis = new("redis-server", "test-" + Guid.NewGuid().ToString("N"), configFileText: null, "--maxmemory-policy", "noeviction");

    public ValueTask InitializeAsync() => _redis.InitializeAsync();

    public ValueTask DisposeAsync() => _redis.DisposeAsync();

    [Fact]
    public async Task AServerNearItsMaxMemoryIsDegradedWithTheReasonAndHealthyAgainWhenTheLimitIsRaised()
    {
        using var host = RedisTestHost.Build(("REDIS_URL", $"redis://127.0.0.1:{_redis.Port}"), ("REDIS_PASSWORD", _redis.Password));
        var health = host.Services.GetRequiredService<HealthCheckService>();

        var unlimited = await CheckAsync(health);
        Assert.True(unlimited.Status == HealthStatus.Healthy, $"without a limit the check said {unlimited.Status}: {unlimited.Description}");

        // A limit just above what the server already uses puts it at ~95%: near the limit, still taking small writes.
        var used = long.Parse(RedisCli.Field((await RedisCli.RunAsync(_redis.Port, _redis.Password, "INFO", "memory")).Replace(':', '\n'), "used_memory")!, CultureInfo.InvariantCulture);
        var tight = used * 100 / 95;
        await RedisCli.RunAsync(_redis.Port, _redis.Password, "CONFIG", "SET", "maxmemory", tight.ToString(CultureInfo.InvariantCulture));

        var near = await CheckAsync(health);
        Assert.True(near.Status == HealthStatus.Degraded, $"at ~95% of maxmemory the check said {near.Status}: {near.Description}");
        Assert.Contains($"127.0.0.1:{_redis.Port} uses", near.Description);
        Assert.Contains($"of its maxmemory (used_memory", near.Description);
        Assert.Contains($"of {tight} bytes); at 100% it refuses writes with OOM.", near.Description);

        await RedisCli.RunAsync(_redis.Port, _redis.Password, "CONFIG", "SET", "maxmemory", (used * 10).ToString(CultureInfo.InvariantCulture));
        var roomy = await CheckAsync(health);
        Assert.True(roomy.Status == HealthStatus.Healthy, $"at ~10% of maxmemory the check said {roomy.Status}: {roomy.Description}");
    }

    private static async Task<HealthReportEntry> CheckAsync(HealthCheckService health)
    {
        var report = await TestWait.For(health.CheckHealthAsync(r => r.Name == RedisDefaults.HealthCheckName, TestContext.Current.CancellationToken), "the redis health check");
        return report.Entries[RedisDefaults.HealthCheckName];
    }
}
