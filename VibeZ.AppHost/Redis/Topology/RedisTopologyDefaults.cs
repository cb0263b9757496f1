using VibeZ.Redis;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Defaults of a Redis topology: the ports and timeouts of docs/configuration.md (AppHost) (the image is in <see cref="RedisContainerImageTags"/>).
/// </summary>
internal static class RedisTopologyDefaults
{
    /// <summary>The configuration section every setting lives under.</summary>
    public const string Section = "VibeZ:Redis";

    /// <summary>The program every node runs, from the image or from PATH; a sentinel is <c>redis-server --sentinel</c>.</summary>
    public const string ServerCommand = "redis-server";

    public const int MasterPort = RedisContract.DefaultRedisPort;
    public const int ReplicaPort = 6380;
    public const int SentinelPort = RedisContract.DefaultSentinelPort;
    public const int ClusterPort = 7000;

    /// <summary>Redis Cluster always talks node-to-node on the data port plus this offset.</summary>
    public const int ClusterBusPortOffset = 10000;

    public const int Sentinels = 3;
    public const int Quorum = 2;
    public const string MasterName = RedisContract.DefaultSentinelName;
    public const int DownAfterMilliseconds = 5000;
    public const int FailoverTimeoutMilliseconds = 10000;
    public const int ParallelSyncs = 1;

    // A replica acknowledges every second; five missed acknowledgements is a replica that is gone or far behind,
    // not one that had a slow second.
    public const int MinReplicasMaxLagSeconds = 5;

    public const int ClusterMasters = 3;
    public const int ClusterReplicasPerMaster = 1;
    public const int ClusterNodeTimeoutMilliseconds = 5000;

    // Room for a busy development topology on a shared machine; a production node sizes it to its host (docs/security.md).
    public const int MaxMemoryMegabytes = 512;

    /// <summary>
    /// What a data node does at <c>maxmemory</c>: refuse writes with OOM. Evicting would silently drop channel history and
    /// dedupe keys, which the Guarantees rely on; an error the Gateway can report is better than a lost message.
    /// </summary>
    public const string MaxMemoryPolicy = "noeviction";

    // A normal client (every service connection) that lets replies pile up is disconnected at the hard limit at once, or
    // at the soft limit after it stayed above it this long. The hard limit is above the largest page the Gateway asks for.
    public const int ClientOutputBufferHardLimitMegabytes = 256;
    public const int ClientOutputBufferSoftLimitMegabytes = 64;
    public const int ClientOutputBufferSoftLimitSeconds = 60;

    /// <summary>Redis Cluster refuses to create a cluster with fewer masters than this.</summary>
    public const int MinimumClusterMasters = 3;
}
