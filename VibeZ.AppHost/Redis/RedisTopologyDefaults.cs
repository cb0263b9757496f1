namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Defaults of a Redis topology: the document's ports and timeouts, and the image that the tests run.
/// </summary>
internal static class RedisTopologyDefaults
{
    /// <summary>The configuration section every setting lives under.</summary>
    public const string Section = "VibeZ:Redis";

    // The official image at the version the tests run (Debian 12's redis-server 7.0.15), so what ships is what is tested.
    public const string ImageRegistry = "docker.io";
    public const string Image = "library/redis";
    public const string ImageTag = "7.0.15";

    /// <summary>The program every node runs, from the image or from PATH; a sentinel is <c>redis-server --sentinel</c>.</summary>
    public const string ServerCommand = "redis-server";

    public const int MasterPort = 6379;
    public const int ReplicaPort = 6380;
    public const int SentinelPort = 26379;
    public const int ClusterPort = 7000;

    /// <summary>Redis Cluster always talks node-to-node on the data port plus this offset.</summary>
    public const int ClusterBusPortOffset = 10000;

    public const int Sentinels = 3;
    public const int Quorum = 2;
    public const string MasterName = "mymaster";
    public const int DownAfterMilliseconds = 5000;
    public const int FailoverTimeoutMilliseconds = 10000;
    public const int ParallelSyncs = 1;

    // A replica acknowledges every second; five missed acknowledgements is a replica that is gone or far behind,
    // not one that had a slow second.
    public const int MinReplicasMaxLagSeconds = 5;

    public const int ClusterMasters = 3;
    public const int ClusterReplicasPerMaster = 1;
    public const int ClusterNodeTimeoutMilliseconds = 5000;

    /// <summary>Redis Cluster refuses to create a cluster with fewer masters than this.</summary>
    public const int MinimumClusterMasters = 3;
}
