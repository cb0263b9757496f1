using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace VibeZ.Worker.Broadcasts;

internal static class BroadcastLagRegistration
{
    public const string HealthCheckName = "broadcasts";

    /// <summary>The backlog sampler, its gauges on the OpenTelemetry meter provider, and the <c>broadcasts</c> health check.</summary>
    public static IHostApplicationBuilder AddBroadcastLag(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IBroadcastBacklogReader, RedisBroadcastBacklogReader>();
        builder.Services.AddSingleton<BroadcastLag>();
        builder.Services.AddHostedService<BroadcastLagSampler>();
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            HealthCheckName, sp => sp.GetRequiredService<BroadcastLag>(), failureStatus: null, tags: ["ready"]));
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(BroadcastLag.MeterName));
        return builder;
    }
}
