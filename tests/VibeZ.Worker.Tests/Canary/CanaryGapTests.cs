using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using VibeZ.Worker.Canary;

namespace VibeZ.Worker.Tests.Canary;

/// <summary>The <c>vibez.canary.gap</c> gauge: seconds since the last good round, or since start, on fake time.</summary>
public sealed class CanaryGapTests
{
    [Fact]
    public void GapCountsFromStartUntilARoundSucceedsThenFromThatRound()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-05T10:00:00Z"));
        var health = new CanaryHealth(time, TimeSpan.FromSeconds(5));
        _ = new CanaryTelemetry(services.GetRequiredService<IMeterFactory>(), health);
        using var gap = new MetricCollector<double>(services.GetRequiredService<IMeterFactory>(), CanaryTelemetry.SourceName, CanaryTelemetry.GapGauge);

        time.Advance(TimeSpan.FromSeconds(7));
        Assert.Equal(7, Read(gap));

        health.Succeeded(TimeSpan.FromMilliseconds(3));
        Assert.Equal(0, Read(gap));

        // A failover: rounds fail, and the gap grows until one goes through.
        time.Advance(TimeSpan.FromSeconds(12.5));
        health.Failed("gave up waiting for 'subscribed'");
        Assert.Equal(12.5, Read(gap));
        Assert.Equal("s", gap.Instrument!.Unit);
    }

    private static double Read(MetricCollector<double> collector)
    {
        collector.RecordObservableInstruments();
        return collector.LastMeasurement?.Value ?? throw new InvalidOperationException($"{CanaryTelemetry.GapGauge} reported nothing");
    }
}
