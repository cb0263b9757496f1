using Microsoft.Extensions.DependencyInjection.Extensions;
using VibeZ.Channels;
using VibeZ.Channels.Broadcasts;
using VibeZ.Channels.Delivery;
using VibeZ.Channels.Publishing;
using VibeZ.Channels.Storage;

namespace VibeZ.Worker.Broadcasts;

internal static class ChannelCoreRegistration
{
    /// <summary>The channel core the Gateway runs, so the Worker publishes through the same path, the delivery loop and its lag.</summary>
    public static IHostApplicationBuilder AddBroadcastDelivery(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewayOptions>().BindConfiguration(GatewayDefaults.SectionName).ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<GatewayNode>();
        builder.Services.AddSingleton<ReplicationConfirmer>();
        builder.Services.AddSingleton<IChannelStore, RedisChannelStore>();
        builder.Services.AddSingleton<ChannelHub>();
        builder.Services.AddBroadcastStore();
        builder.Services.AddHostedService<BroadcastDelivery>();
        return builder.AddBroadcastLag();
    }
}
