using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using VibeZ.ServiceDefaults.Redis.Health;

namespace VibeZ.ServiceDefaults.Tests.Redis.Health;

public sealed class RedisHealthMonitorTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new();
    private readonly FakeLogger<RedisHealthMonitor> _logger = new();

    [Fact]
    public async Task ItLogsOneLinePerChangeOfHealthNotOnePerCheck()
    {
        var status = new FakeRedisHealthStatus(
            FakeRedisHealthStatus.Healthy,
            FakeRedisHealthStatus.Healthy,
            FakeRedisHealthStatus.Unhealthy("PING timed out"),
            FakeRedisHealthStatus.Unhealthy("PING timed out"),
            FakeRedisHealthStatus.Unhealthy("No connected sentinel named a primary for 'mymaster'."),
            FakeRedisHealthStatus.Healthy,
            FakeRedisHealthStatus.Healthy,
            FakeRedisHealthStatus.Unhealthy("No cluster node is connected."));

        await RunAsync(status, checks: 8);

        var lines = _logger.Collector.GetSnapshot();
        Assert.Collection(
            lines,
            line => AssertLine(line, "RedisBecameUnhealthy", LogLevel.Warning, "PING timed out"),
            line => AssertLine(line, "RedisBecameHealthy", LogLevel.Information, "PING answered"),
            line => AssertLine(line, "RedisBecameUnhealthy", LogLevel.Warning, "No cluster node is connected."));
    }

    [Fact]
    public async Task ItLogsAMasterNearItsMemoryLimitOnceWithItsReason()
    {
        var status = new FakeRedisHealthStatus(
            FakeRedisHealthStatus.Healthy,
            FakeRedisHealthStatus.Degraded("PING answered in 0.3 ms. Memory: 127.0.0.1:6379 uses 91% of its maxmemory"),
            FakeRedisHealthStatus.Degraded("PING answered in 0.3 ms. Memory: 127.0.0.1:6379 uses 93% of its maxmemory"),
            FakeRedisHealthStatus.Unhealthy("PING timed out"),
            FakeRedisHealthStatus.Degraded("PING answered in 0.3 ms. Memory: 127.0.0.1:6379 uses 95% of its maxmemory"),
            FakeRedisHealthStatus.Healthy);

        await RunAsync(status, checks: 6);

        Assert.Collection(
            _logger.Collector.GetSnapshot(),
            line => AssertLine(line, "RedisBecameDegraded", LogLevel.Warning, "uses 91% of its maxmemory"),
            line => AssertLine(line, "RedisBecameUnhealthy", LogLevel.Warning, "PING timed out"),
            line => AssertLine(line, "RedisBecameDegraded", LogLevel.Warning, "uses 95% of its maxmemory"),
            line => AssertLine(line, "RedisBecameHealthy", LogLevel.Information, "PING answered"));
    }

    [Fact]
    public async Task ACheckThatThrowsCountsAsUnhealthyAndTheMonitorKeepsRunning()
    {
        var status = new FakeRedisHealthStatus(
            new InvalidOperationException("the multiplexer was disposed"),
            new InvalidOperationException("the multiplexer was disposed"),
            FakeRedisHealthStatus.Healthy);

        await RunAsync(status, checks: 3);

        Assert.Collection(
            _logger.Collector.GetSnapshot(),
            line => AssertLine(line, "RedisBecameUnhealthy", LogLevel.Warning, "InvalidOperationException: the multiplexer was disposed"),
            line => AssertLine(line, "RedisBecameHealthy", LogLevel.Information, "PING answered"));
    }

    [Fact]
    public async Task NoCheckRunsBeforeTheFirstIntervalHasPassed()
    {
        var status = new FakeRedisHealthStatus(FakeRedisHealthStatus.Unhealthy("not yet connected"));
        using var monitor = new RedisHealthMonitor(status, Options.Create(new RedisHealthMonitorOptions()), _time, _logger);

        await monitor.StartAsync(TestContext.Current.CancellationToken);
        _time.Advance(Interval - TimeSpan.FromMilliseconds(1));
        await monitor.StopAsync(TestContext.Current.CancellationToken);

        Assert.Empty(_logger.Collector.GetSnapshot());
    }

    private async Task RunAsync(FakeRedisHealthStatus status, int checks)
    {
        using var monitor = new RedisHealthMonitor(status, Options.Create(new RedisHealthMonitorOptions()), _time, _logger);
        await monitor.StartAsync(TestContext.Current.CancellationToken);

        for (var check = 1; check <= checks; check++)
        {
            _time.Advance(Interval);
            Assert.Equal(check, await status.NextCheckAsync());
        }

        // Stopping waits for the last check's logging to finish.
        await TestWait.For(monitor.StopAsync(TestContext.Current.CancellationToken), "the monitor to stop");
    }

    private static void AssertLine(FakeLogRecord record, string eventName, LogLevel level, string reason)
    {
        Assert.Equal(eventName, record.Id.Name);
        Assert.Equal(level, record.Level);
        Assert.Contains(reason, record.Message);
    }
}
