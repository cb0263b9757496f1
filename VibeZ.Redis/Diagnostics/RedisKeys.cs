using StackExchange.Redis;

namespace VibeZ.Redis.Diagnostics;

/// <summary>Every key ServiceDefaults writes, in one place.</summary>
internal static class RedisKeys
{
    public static RedisKey DiagnosticsValue(string key) => "vibez:diag:" + key;

    public static readonly TimeSpan DiagnosticsValueExpiry = TimeSpan.FromMinutes(5);
}
