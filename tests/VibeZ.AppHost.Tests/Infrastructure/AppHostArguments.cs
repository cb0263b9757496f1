namespace VibeZ.AppHost.Tests.Infrastructure;

/// <summary>Command-line settings that build the AppHost's model for a topology and runtime.</summary>
internal static class AppHostArguments
{
    private static readonly Lazy<string> LocalImage = new(() => VibeZ.Testing.Redis.RedisContainers.LocalImage);

    /// <summary>The image the container tests run: eng/build-redis-image.sh builds it from Debian's redis-server.</summary>
    public static string Image => LocalImage.Value;

    public static string[] For(RedisTopologyKind kind, RedisRuntime runtime, int portOffset = 0, params string[] extra) =>
    [
        $"--VibeZ:Redis:Topology={kind}",
        $"--VibeZ:Redis:Runtime={runtime}",
        $"--VibeZ:Redis:Image={Image}",
        $"--VibeZ:Redis:PortOffset={portOffset}",
        .. extra,
    ];
}
