using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using VibeZ.Redis.Health;

namespace VibeZ.Redis.Tests.Health;

/// <summary>
/// The monitor is a health check publisher: how it answers a sequence of reports, and, with a real timer (the publisher
/// service's timer takes no <see cref="TimeProvider"/>), that the publisher service runs it on the configured schedule.
/// </summary>
public sealed class RedisHealthMonitorTests
{
    private readonly FakeLogger<RedisHealthMonitor> _logger = new();

    [Fact]
    public async Task ItLogsOneLinePerChangeOfHealthNotOnePerCheck()
    {
        await PublishAsync(
            Healthy,
            Healthy,
            Unhealthy("PING timed out"),
            Unhealthy("PING timed out"),
            Unhealthy("No connected sentinel named a primary for 'mymaster'."),
            Healthy,
            Healthy,
            Unhealthy("No cluster node is connected."));

        Assert.Collection(
            _logger.Collector.GetSnapshot(),
            line => AssertLine(line, "RedisBecameUnhealthy", LogLevel.Warning, "PING timed out"),
            line => AssertLine(line, "RedisBecameHealthy", LogLevel.Information, "PING answered"),
            line => AssertLine(line, "RedisBecameUnhealthy", LogLevel.Warning, "No cluster node is connected."));
    }

    [Fact]
    public async Task ItLogsAMasterNearItsMemoryLimitOnceWithItsReason()
    {
        await PublishAsync(
            Healthy,
            Degraded("PING answered in 0.3 ms. Memory: 127.0.0.1:6379 uses 91% of its maxmemory"),
            Degraded("PING answered in 0.3 ms. Memory: 127.0.0.1:6379 uses 93% of its maxmemory"),
            Unhealthy("PING timed out"),
            Degraded("PING answered in 0.3 ms. Memory: 127.0.0.1:6379 uses 95% of its maxmemory"),
            Healthy);

        Assert.Collection(
            _logger.Collector.GetSnapshot(),
            line => AssertLine(line, "RedisBecameDegraded", LogLevel.Warning, "uses 91% of its maxmemory"),
            line => AssertLine(line, "RedisBecameUnhealthy", LogLevel.Warning, "PING timed out"),
            line => AssertLine(line, "RedisBecameDegraded", LogLevel.Warning, "uses 95% of its maxmemory"),
            line => AssertLine(line, "RedisBecameHealthy", LogLevel.Information, "PING answered"));
    }

    [Fact]
    public async Task ACheckThatThrowsIsLoggedWithItsExceptionTypeOnce()
    {
        // As the health check service reports a check that threw: its failure status, the message, the exception.
        var exception = new InvalidOperationException("the multiplexer was disposed");
        var thrown = Report(new HealthReportEntry(HealthStatus.Unhealthy, exception.Message, TimeSpan.Zero, exception, null));

        await PublishAsync(thrown, thrown, Healthy);

        Assert.Collection(
            _logger.Collector.GetSnapshot(),
            line => AssertLine(line, "RedisBecameUnhealthy", LogLevel.Warning, "The health check threw InvalidOperationException: the multiplexer was disposed"),
            line => AssertLine(line, "RedisBecameHealthy", LogLevel.Information, "PING answered"));
    }

    [Fact]
    public async Task AReportWithoutTheRedisCheckChangesNothing()
    {
        var other = new HealthReport(
            new Dictionary<string, HealthReportEntry> { ["broadcasts"] = new(HealthStatus.Unhealthy, "lagging", TimeSpan.Zero, null, null) },
            TimeSpan.Zero);

        await PublishAsync(other, Unhealthy("PING timed out"), other, Unhealthy("PING timed out"));

        Assert.Collection(
            _logger.Collector.GetSnapshot(),
            line => AssertLine(line, "RedisBecameUnhealthy", LogLevel.Warning, "PING timed out"));
    }

    [Fact]
    public void ThePublisherRunsOnlyTheRedisCheckEveryIntervalTheFirstTimeAfterOneInterval()
    {
        using var host = RedisResilienceTestHost.Build(new FakeTimeProvider(), ("Redis:HealthCheckIntervalSeconds", "7"));

        var options = host.Services.GetRequiredService<IOptions<HealthCheckPublisherOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(7), options.Delay);
        Assert.Equal(TimeSpan.FromSeconds(7), options.Period);
        Assert.NotNull(options.Predicate);
        Assert.True(options.Predicate(Registration("redis")));
        Assert.False(options.Predicate(Registration("self")));
        Assert.Contains(host.Services.GetServices<IHealthCheckPublisher>(), publisher => publisher is RedisHealthMonitor);
    }

    [Fact]
    public async Task OnARealTimerItLogsTheOutageAndTheRecoveryAndNothingElseFromTheHealthChecks()
    {
        var redis = new ScriptedCheck(HealthCheckResult.Unhealthy("PING timed out"), HealthCheckResult.Unhealthy("PING timed out"), HealthCheckResult.Healthy("PING answered in 0.3 ms."));
        var other = new ScriptedCheck(HealthCheckResult.Unhealthy("not the monitor's news"));
        using var host = RedisResilienceTestHost.Build(
            new FakeTimeProvider(),
            services => services.AddHealthChecks().AddCheck("redis", redis).AddCheck("other", other),
            ("Redis:HealthCheckIntervalSeconds", "1"));
        var logs = host.Services.GetFakeLogCollector();

        await host.StartAsync(TestContext.Current.CancellationToken);
        await TestWait.Until(
            () => Task.FromResult((logs.GetSnapshot().Any(r => r.Id.Name == "RedisBecameHealthy"), Describe(logs))),
            "the monitor to log the outage and the recovery, one check a second");
        await host.StopAsync(TestContext.Current.CancellationToken);

        Assert.Collection(
            logs.GetSnapshot().Where(r => r.Level >= LogLevel.Information && (r.Category?.StartsWith("VibeZ", StringComparison.Ordinal) == true || r.Category?.StartsWith("Microsoft.Extensions.Diagnostics.HealthChecks", StringComparison.Ordinal) == true)),
            line => AssertLine(line, "RedisBecameUnhealthy", LogLevel.Warning, "PING timed out"),
            line => AssertLine(line, "RedisBecameHealthy", LogLevel.Information, "PING answered"));
        Assert.True(redis.Runs >= 3, $"The redis check ran {redis.Runs} times.");
        Assert.Equal(0, other.Runs);
    }

    [Fact]
    public void TheHealthCheckServiceLogsNothingByDefaultAndWhatSettingsAskFor()
    {
        const string category = "Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService";
        var settings = new ConfigurationBuilder()
            .AddInMemoryCollection([new KeyValuePair<string, string?>($"Logging:LogLevel:{category}", "Error")])
            .Build();
        using var quiet = RedisResilienceTestHost.Build(new FakeTimeProvider());
        using var asked = RedisResilienceTestHost.Build(
            new FakeTimeProvider(), services => services.AddLogging(logging => logging.AddConfiguration(settings.GetSection("Logging"))));

        Assert.False(quiet.Services.GetRequiredService<ILoggerFactory>().CreateLogger(category).IsEnabled(LogLevel.Error));
        Assert.True(asked.Services.GetRequiredService<ILoggerFactory>().CreateLogger(category).IsEnabled(LogLevel.Error));
    }

    private static HealthReportEntry Entry(HealthStatus status, string description) => new(status, description, TimeSpan.Zero, null, null);

    private static HealthReport Report(HealthReportEntry redis) =>
        new(new Dictionary<string, HealthReportEntry> { ["redis"] = redis }, TimeSpan.Zero);

    private static HealthReport Healthy { get; } = Report(Entry(HealthStatus.Healthy, "PING answered in 0.3 ms."));

    private static HealthReport Unhealthy(string reason) => Report(Entry(HealthStatus.Unhealthy, reason));

    private static HealthReport Degraded(string reason) => Report(Entry(HealthStatus.Degraded, reason));

    private static HealthCheckRegistration Registration(string name) => new(name, new ScriptedCheck(), HealthStatus.Unhealthy, tags: null);

    private async Task PublishAsync(params HealthReport[] reports)
    {
        var monitor = new RedisHealthMonitor(_logger);
        foreach (var report in reports)
        {
            await monitor.PublishAsync(report, TestContext.Current.CancellationToken);
        }
    }

    private static string Describe(FakeLogCollector logs) =>
        string.Join(" | ", logs.GetSnapshot().Select(r => $"{r.Category} {r.Level}: {r.Message}").TakeLast(10));

    private static void AssertLine(FakeLogRecord record, string eventName, LogLevel level, string reason)
    {
        Assert.Equal(eventName, record.Id.Name);
        Assert.Equal(level, record.Level);
        Assert.Contains(reason, record.Message);
    }

    /// <summary>Answers each run with the next scripted result, then with the last one for good; counts its runs.</summary>
    private sealed class ScriptedCheck(params HealthCheckResult[] script) : IHealthCheck
    {
        private int _runs;

        public int Runs => Volatile.Read(ref _runs);

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var run = Interlocked.Increment(ref _runs);
            return Task.FromResult(script[Math.Min(run, script.Length) - 1]);
        }
    }
}
