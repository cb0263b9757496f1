namespace Aspire.Hosting.ApplicationModel;

/// <summary>One node of a topology, as planned before anything starts.</summary>
/// <param name="Name">The resource name, which is also the node's host name on the container network.</param>
/// <param name="Role">The role the node starts in.</param>
/// <param name="Port">The port the node listens on, publishes and announces: node endpoints are never proxied.</param>
public sealed record RedisNode(string Name, RedisNodeRole Role, int Port)
{
    /// <summary>Gets whether the node holds data (everything but a sentinel).</summary>
    public bool IsDataNode => Role is not RedisNodeRole.Sentinel;

    /// <summary>Gets the Redis Cluster bus port of a cluster node, or <see langword="null"/>.</summary>
    public int? BusPort => Role is RedisNodeRole.ClusterNode ? Port + RedisTopologyDefaults.ClusterBusPortOffset : null;
}
