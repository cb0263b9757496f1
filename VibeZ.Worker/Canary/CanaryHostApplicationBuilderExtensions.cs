using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace VibeZ.Worker.Canary;

/// <summary>Registers the end-to-end canary when <c>Canary:Enabled</c> is true.</summary>
internal static class CanaryHostApplicationBuilderExtensions
{
    public const string HealthCheckName = "canary";

    public static IHostApplicationBuilder AddCanary(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CanaryOptions>().BindConfiguration(CanaryOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<CanaryOptions>, CanaryOptionsValidator>();
        if (!builder.Configuration.GetValue<bool>($"{CanaryOptions.SectionName}:{nameof(CanaryOptions.Enabled)}"))
        {
            return builder;
        }

        builder.Services.AddSingleton<CanaryProbe>();
        builder.Services.AddSingleton<CanaryTelemetry>();
        builder.Services.AddSingleton(sp => new CanaryHealth(
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<CanaryOptions>>().Value.Interval));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            HealthCheckName, sp => sp.GetRequiredService<CanaryHealth>(), failureStatus: null, tags: ["ready"]));
        builder.Services.AddHostedService<CanaryService>();
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddMeter(CanaryTelemetry.SourceName))
            .WithTracing(tracing => tracing.AddSource(CanaryTelemetry.SourceName));
        return builder;
    }
}
