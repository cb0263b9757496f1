namespace VibeZ.Redis.Configuration;

/// <summary>
/// How a VibeZ process reaches Redis, chosen with <c>REDIS_MODE</c>.
/// </summary>
public enum RedisMode
{
    /// <summary>One server named by <c>REDIS_URL</c>.</summary>
    Single,

    /// <summary>A primary found through the sentinels in <c>REDIS_SENTINELS</c>.</summary>
    Sentinel,

    /// <summary>A Redis Cluster discovered from the seed nodes in <c>REDIS_CLUSTER_NODES</c>.</summary>
    Cluster,
}
