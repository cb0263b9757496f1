using StackExchange.Redis;

namespace VibeZ.Redis.Diagnostics;

/// <summary>Every key VibeZ.Redis writes, in one place.</summary>
internal static class RedisKeys
{
    public static RedisKey DiagnosticsValue(string key) => "vibez:diag:" + key;

    public static readonly TimeSpan DiagnosticsValueExpiry = TimeSpan.FromMinutes(5);
}
