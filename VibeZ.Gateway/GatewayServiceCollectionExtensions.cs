using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using VibeZ.Channels.Broadcasts;
using VibeZ.Gateway.Connections;

namespace VibeZ.Gateway;

/// <summary>Registers the Gateway's channels on top of ServiceDefaults' Redis connection.</summary>
internal static class GatewayServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddGateway(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewayOptions>().BindConfiguration(GatewayDefaults.SectionName).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, GatewayReplicationTimeoutValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<GatewayNode>();
        builder.Services.AddSingleton<ReplicationConfirmer>();
        builder.Services.AddSingleton<IChannelStore, RedisChannelStore>();
        builder.Services.AddSingleton<ChannelHub>();
        builder.Services.AddSingleton<SystemChannel>();
        builder.Services.AddBroadcastStore();
        return builder;
    }
}
