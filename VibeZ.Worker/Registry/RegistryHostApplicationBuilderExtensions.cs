using Microsoft.Extensions.Options;
using VibeZ.Channels.Presence;

namespace VibeZ.Worker.Registry;

/// <summary>Registers the Gateway registry's cleanup; it needs the channel core (<c>AddBroadcastDelivery</c>) first.</summary>
internal static class RegistryHostApplicationBuilderExtensions
{
    public static IHostApplicationBuilder AddRegistryCleanup(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RegistryOptions>().BindConfiguration(RegistryOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RegistryOptions>, RegistryOptionsValidator>();
        builder.Services.AddPresenceStore();
        builder.Services.AddSingleton<RegistryMetrics>();
        builder.Services.AddHostedService<GatewayRegistryCleanup>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(RegistryMetrics.MeterName));
        return builder;
    }
}
