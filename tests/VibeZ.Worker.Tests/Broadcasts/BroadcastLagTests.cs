using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using VibeZ.Channels.Broadcasts;
using VibeZ.Worker.Broadcasts;

namespace VibeZ.Worker.Tests.Broadcasts;

/// <summary>The broadcast lag's gauges and health check, fed by a fake backlog reader on fake time.</summary>
public sealed class BroadcastLagTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-05T10:00:00Z"));
    private readonly FakeBacklogReader _reader;
    private readonly BroadcastLag _lag;
    private readonly FakeLogger<BroadcastLagSampler> _logger = new();
    private readonly BroadcastLagSampler _sampler;

    public BroadcastLagTests()
    {
        _reader = new FakeBacklogReader(_time);
        _lag = new BroadcastLag(MeterFactory, Options.Create(new BroadcastOptions { LagDegradedSeconds = 30 }), _time);
        _sampler = new BroadcastLagSampler(_reader, _lag, _time, _logger);
    }

    private IMeterFactory MeterFactory => _services.GetRequiredService<IMeterFactory>();

    [Fact]
    public async Task GaugesAndHealthDataReportTheLastSample()
    {
        using var pending = new MetricCollector<long>(MeterFactory, BroadcastLag.MeterName, BroadcastLag.PendingGauge);
        using var age = new MetricCollector<double>(MeterFactory, BroadcastLag.MeterName, BroadcastLag.OldestDueAgeGauge);
        using var dead = new MetricCollector<long>(MeterFactory, BroadcastLag.MeterName, BroadcastLag.DeadGauge);

        pending.RecordObservableInstruments();
        Assert.Null(pending.LastMeasurement);

        _reader.Next = now => new BroadcastBacklog(3, now - TimeSpan.FromSeconds(4), 2, now);
        await _sampler.SampleAsync(TestContext.Current.CancellationToken);

        pending.RecordObservableInstruments();
        age.RecordObservableInstruments();
        dead.RecordObservableInstruments();
        Assert.Equal(3, pending.LastMeasurement!.Value);
        Assert.Equal(4, age.LastMeasurement!.Value);
        Assert.Equal(2, dead.LastMeasurement!.Value);

        var health = await CheckAsync();
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Equal(3L, health.Data["pending"]);
        Assert.Equal(4.0, health.Data["oldestDueAgeSeconds"]);
        Assert.Equal(2L, health.Data["dead"]);
    }

    [Fact]
    public async Task ABroadcastNotDueYetIsNoLag()
    {
        _reader.Next = now => new BroadcastBacklog(0, now + TimeSpan.FromMinutes(5), 0, now);
        await _sampler.SampleAsync(TestContext.Current.CancellationToken);

        var health = await CheckAsync();
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Equal(0.0, health.Data["oldestDueAgeSeconds"]);
    }

    [Fact]
    public async Task HealthIsDegradedOnceTheOldestDueBroadcastIsOverdueByMoreThanTheThreshold()
    {
        _reader.Next = now => new BroadcastBacklog(0, now - TimeSpan.FromSeconds(30), 0, now);
        await _sampler.SampleAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync()).Status);

        _reader.Next = now => new BroadcastBacklog(0, now - TimeSpan.FromSeconds(31), 0, now);
        await _sampler.SampleAsync(TestContext.Current.CancellationToken);
        var health = await CheckAsync();
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("Broadcasts:LagDegradedSeconds", health.Description);
    }

    [Fact]
    public async Task AnOutageIsLoggedInFullOnceThenSummarisedAndTheStaleNumbersTurnHealthDegraded()
    {
        _reader.Next = now => new BroadcastBacklog(1, null, 0, now);
        await _sampler.SampleAsync(TestContext.Current.CancellationToken);

        _reader.Next = _ => throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "no connection is active");
        for (var i = 0; i < 13; i++)
        {
            _time.Advance(BroadcastLag.SampleInterval);
            await _sampler.SampleAsync(TestContext.Current.CancellationToken);
        }

        // 65 s of failures, from 5 s to 65 s: one full line at the first, then one summary per 30 s after it.
        var lines = _logger.Collector.GetSnapshot();
        Assert.Single(lines, l => l.Id.Name == "BroadcastLagReadFailed" && l.Exception is RedisConnectionException);
        Assert.Equal(2, lines.Count(l => l.Id.Name == "BroadcastLagReadStillFailing"));

        var health = await CheckAsync();
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("no connection is active", health.Description);
        Assert.Equal(1L, health.Data["pending"]);

        _reader.Next = now => new BroadcastBacklog(0, null, 0, now);
        await _sampler.SampleAsync(TestContext.Current.CancellationToken);
        Assert.Single(_logger.Collector.GetSnapshot(), l => l.Id.Name == "BroadcastLagReadRecovered");
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync()).Status);
    }

    public void Dispose() => _services.Dispose();

    private Task<HealthCheckResult> CheckAsync() =>
        _lag.CheckHealthAsync(new HealthCheckContext
        {
            Registration = new HealthCheckRegistration(BroadcastLagRegistration.HealthCheckName, _lag, null, null),
        });

    private sealed class FakeBacklogReader(TimeProvider time) : IBroadcastBacklogReader
    {
        public Func<DateTimeOffset, BroadcastBacklog> Next { get; set; } = now => new BroadcastBacklog(0, null, 0, now);

        public Task<BroadcastBacklog> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(Next(time.GetUtcNow()));
    }
}
