namespace VibeZ.Gateway.Tests.Infrastructure;

/// <summary>One Gateway process on one redis-server: the smallest set-up for a test of what one Gateway answers.</summary>
internal static class SingleGateway
{
    public static Task<GatewayProcess> StartAsync(RedisServerProcess redis, params (string Key, string? Value)[] settings) =>
        GatewayProcess.StartAsync(
            [("REDIS_MODE", "single"), ("REDIS_URL", $"redis://127.0.0.1:{redis.Port}"), ("REDIS_PASSWORD", redis.Password), .. settings]);
}
