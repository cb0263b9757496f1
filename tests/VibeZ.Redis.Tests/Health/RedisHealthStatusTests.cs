using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using VibeZ.Redis.Health;

namespace VibeZ.Redis.Tests.Health;

public sealed class RedisHealthStatusTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task ItReportsTheRegisteredRedisCheckAndItsReason()
    {
        using var host = RedisResilienceTestHost.Build(_time, services => services.AddHealthChecks()
            .AddCheck("redis", () => HealthCheckResult.Unhealthy("No cluster node is connected.")));

        var report = await Status(host).CheckAsync(TestContext.Current.CancellationToken);

        Assert.False(report.IsHealthy);
        Assert.Equal("No cluster node is connected.", report.Reason);
    }

    [Fact]
    public async Task ACheckThatDoesNotAnswerWithinItsTimeoutIsUnhealthy()
    {
        var never = new TaskCompletionSource<HealthCheckResult>();
        using var host = RedisResilienceTestHost.Build(_time, services => services.AddHealthChecks()
            .Add(new HealthCheckRegistration("redis", _ => new DelegateCheck(() => never.Task), HealthStatus.Unhealthy, tags: null, timeout: TimeSpan.FromSeconds(5))));

        var check = Status(host).CheckAsync(TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromSeconds(5));
        var report = await TestWait.For(check, "the check to give up at its timeout");

        Assert.False(report.IsHealthy);
        Assert.Equal("The 'redis' health check did not answer within 5 s.", report.Reason);
    }

    [Fact]
    public async Task WithoutARedisCheckItSaysWhatIsMissingInsteadOfThrowing()
    {
        using var host = RedisResilienceTestHost.Build(_time);

        var report = await Status(host).CheckAsync(TestContext.Current.CancellationToken);

        Assert.False(report.IsHealthy);
        Assert.Contains("call AddVibeZRedis", report.Reason);
    }

    private static IRedisHealthStatus Status(Microsoft.Extensions.Hosting.IHost host) => host.Services.GetRequiredService<IRedisHealthStatus>();

    private sealed class DelegateCheck(Func<Task<HealthCheckResult>> check) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) => check();
    }
}
