namespace Aspire.Hosting.ApplicationModel;

/// <summary>The role a node is started in. Roles of data nodes change on failover; this is the role at start.</summary>
public enum RedisNodeRole
{
    /// <summary>A data node that starts as master (the single server, or the sentinel topology's master).</summary>
    Master,

    /// <summary>A data node that starts as a replica of the master.</summary>
    Replica,

    /// <summary>A sentinel watching the master.</summary>
    Sentinel,

    /// <summary>A Redis Cluster node; which ones become masters is decided when the cluster is created.</summary>
    ClusterNode,
}
