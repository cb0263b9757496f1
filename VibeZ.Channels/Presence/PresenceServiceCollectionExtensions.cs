using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace VibeZ.Channels.Presence;

internal static class PresenceServiceCollectionExtensions
{
    /// <summary>Adds the presence and registry store; the caller has registered the channel core (its options, Redis, time).</summary>
    public static IServiceCollection AddPresenceStore(this IServiceCollection services)
    {
        services.TryAddSingleton<IPresenceStore, RedisPresenceStore>();
        return services;
    }
}
