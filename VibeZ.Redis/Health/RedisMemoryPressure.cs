using System.Globalization;
using System.Net;
using VibeZ.Redis.Configuration;

namespace VibeZ.Redis.Health;

/// <summary>
/// How close one Redis master is to its <c>maxmemory</c>, read from the <c>memory</c> section that
/// <see cref="StackExchange.Redis.IServer.InfoAsync"/> returns. With <c>noeviction</c> a master at its limit refuses every
/// write with OOM, so the services turn Degraded before that happens, while there is still time to act.
/// </summary>
/// <param name="EndPoint">The master that answered.</param>
/// <param name="UsedBytes">Its <c>used_memory</c>.</param>
/// <param name="MaxBytes">Its <c>maxmemory</c>; 0 means the node has no limit.</param>
internal sealed record RedisMemoryPressure(EndPoint EndPoint, long UsedBytes, long MaxBytes)
{
    /// <summary>Gets whether the node has a limit and uses at least <see cref="RedisDefaults.MemoryDegradedPercent"/> of it.</summary>
    public bool IsNearLimit => MaxBytes > 0 && UsedBytes * 100 >= MaxBytes * (long)RedisDefaults.MemoryDegradedPercent;

    /// <summary>Gets the reason the health output gives, with the numbers an operator needs.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{RedisEndPointFormatter.Format(EndPoint)} uses {UsedBytes * 100 / MaxBytes}% of its maxmemory (used_memory {UsedBytes} of {MaxBytes} bytes); at 100% it refuses writes with OOM.");

    /// <summary>Reads the <c>used_memory</c> and <c>maxmemory</c> fields of an <c>INFO memory</c> answer.</summary>
    /// <returns>The pressure, or <see langword="null"/> when the answer lacks either field.</returns>
    public static RedisMemoryPressure? From(EndPoint endPoint, IEnumerable<IGrouping<string, KeyValuePair<string, string>>> info)
    {
        long? used = null, max = null;
        foreach (var (key, value) in info.SelectMany(section => section))
        {
            if (key == "used_memory" && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var u))
            {
                used = u;
            }
            else if (key == "maxmemory" && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var m))
            {
                max = m;
            }
        }

        return used is { } usedBytes && max is { } maxBytes ? new RedisMemoryPressure(endPoint, usedBytes, maxBytes) : null;
    }
}
