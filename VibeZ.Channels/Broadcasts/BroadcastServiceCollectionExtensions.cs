using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace VibeZ.Channels.Broadcasts;

internal static class BroadcastServiceCollectionExtensions
{
    /// <summary>Adds the broadcast store and its settings; the caller has registered the channel core it builds on.</summary>
    public static IServiceCollection AddBroadcastStore(this IServiceCollection services)
    {
        services.AddOptions<BroadcastOptions>().BindConfiguration(BroadcastDefaults.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BroadcastOptions>, BroadcastOptionsValidator>());
        services.TryAddSingleton<RedisBroadcastStore>();
        return services;
    }
}
