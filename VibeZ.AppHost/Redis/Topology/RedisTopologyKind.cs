namespace Aspire.Hosting.ApplicationModel;

/// <summary>The shape of a Redis deployment, matching <c>REDIS_MODE</c> in the services.</summary>
public enum RedisTopologyKind
{
    /// <summary>One Redis server.</summary>
    Single,

    /// <summary>A master, a replica and a set of sentinels that fail over between them.</summary>
    Sentinel,

    /// <summary>A sharded Redis Cluster: masters with one replica each.</summary>
    Cluster,
}
