using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using StackExchange.Redis;
using VibeZ.Redis.Connection;
using VibeZ.Redis.Telemetry;

namespace VibeZ.Redis.Tests.Telemetry;

public sealed class RedisTelemetryRegistrationTests
{
    [Fact]
    public void ServiceDefaultsExportTheVibeZRedisSpansAndMetrics()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "VibeZ.Redis.Tests" });

        // Nothing listens on port 1; the multiplexer is never resolved, the events are raised by hand.
        builder.Configuration.AddInMemoryCollection([new("REDIS_URL", "redis://127.0.0.1:1")]);
        builder.AddServiceDefaults();
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddInMemoryExporter(spans))
            .WithMetrics(metering => metering.AddInMemoryExporter(metrics));
        using var host = builder.Build();
        var tracerProvider = host.Services.GetRequiredService<TracerProvider>();
        var meterProvider = host.Services.GetRequiredService<MeterProvider>();

        // A port of its own: other tests' spans reach this exporter too, since the source is process-wide.
        var endPoint = new IPEndPoint(IPAddress.Loopback, Random.Shared.Next(20000, 60000));
        var events = host.Services.GetRequiredService<RedisReconnectReporter>();
        var args = new ConnectionFailedEventArgs(this, endPoint, ConnectionType.Interactive, ConnectionFailureType.SocketFailure, new SocketException((int)SocketError.ConnectionRefused), "test");
        events.OnConnectionFailed(args);
        events.OnConnectionRestored(args);
        tracerProvider.ForceFlush();
        meterProvider.ForceFlush();

        Assert.Contains(spans, span => span.OperationName == RedisTelemetry.ReconnectActivity
            && (string?)span.GetTagItem(RedisTelemetry.EndPointTag) == $"127.0.0.1:{endPoint.Port}");
        Assert.Contains(metrics, metric => metric.Name == RedisTelemetry.ReconnectsCounter && metric.MeterName == RedisTelemetry.SourceName);
    }
}
