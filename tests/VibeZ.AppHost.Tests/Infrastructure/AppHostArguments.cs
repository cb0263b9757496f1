namespace VibeZ.AppHost.Tests.Infrastructure;

/// <summary>Command-line settings that build the AppHost's model for a topology and runtime.</summary>
internal static class AppHostArguments
{
    /// <summary>The image the container tests run: eng/build-redis-image.sh builds it from Debian's redis-server.</summary>
    public static string Image => Environment.GetEnvironmentVariable("VIBEZ_REDIS_IMAGE") is { Length: > 0 } image ? image : "localhost/vibez-redis:7.0.15";

    public static string[] For(RedisTopologyKind kind, RedisRuntime runtime, int portOffset = 0, params string[] extra) =>
    [
        $"--VibeZ:Redis:Topology={kind}",
        $"--VibeZ:Redis:Runtime={runtime}",
        $"--VibeZ:Redis:Image={Image}",
        $"--VibeZ:Redis:PortOffset={portOffset}",
        .. extra,
    ];
}
