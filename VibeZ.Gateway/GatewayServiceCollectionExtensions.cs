using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using VibeZ.Channels.Broadcasts;
using VibeZ.Channels.Delivery;
using VibeZ.Channels.Presence;
using VibeZ.Channels.Publishing;
using VibeZ.Channels.Storage;
using VibeZ.Gateway.Connections;
using VibeZ.Gateway.Presence;
using VibeZ.Gateway.Security.Browser;

namespace VibeZ.Gateway;

/// <summary>Registers the Gateway's channels on top of the shared Redis connection (VibeZ.Redis).</summary>
internal static class GatewayServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddGateway(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewayOptions>().BindConfiguration(GatewayDefaults.SectionName).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, GatewayAllowedOriginsValidator>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, GatewayReplicationTimeoutValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<GatewayNode>();
        builder.Services.AddSingleton<ReplicationConfirmer>();
        builder.Services.AddSingleton<IChannelStore, RedisChannelStore>();
        builder.Services.AddSingleton<ChannelHub>();
        builder.Services.AddSingleton<SystemChannel>();
        builder.Services.AddSingleton<ConnectionLimiter>();
        builder.Services.AddHttpRateLimit();
        builder.Services.AddPresenceStore();
        builder.Services.AddSingleton<PresenceMetrics>();
        builder.Services.AddSingleton<ChannelPresence>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(PresenceMetrics.MeterName));
        builder.Services.AddHostedService<PresenceHeartbeat>();

        // Kestrel's own cap is the backstop behind ConnectionLimiter's, set a little above it: a socket still closing
        // after its place was given back must not make Kestrel refuse an upgrade that ours admitted (Kestrel answers that
        // with an exception, not a reason). It also caps any upgrade that bypasses /ws. The headers timeout is what
        // ends a slow-loris client: ConnectionLimiter counts upgrades, and a client still sending its headers has none.
        // MaxConcurrentConnections caps the sockets that never upgrade, however many addresses open them; Kestrel
        // gives a connection's place back when it upgrades, so WebSockets are bounded by the caps above only.
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<GatewayOptions>>((kestrel, gateway) =>
        {
            kestrel.Limits.MaxConcurrentUpgradedConnections = gateway.Value.MaxConnections + GatewayDefaults.UpgradedConnectionsMargin;
            kestrel.Limits.MaxConcurrentConnections = gateway.Value.MaxHttpConnections;
            kestrel.Limits.RequestHeadersTimeout = gateway.Value.RequestHeadersTimeout;
        });
        builder.Services.AddBroadcastStore();
        return builder;
    }
}
