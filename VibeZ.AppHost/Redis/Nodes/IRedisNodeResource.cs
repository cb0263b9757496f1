namespace Aspire.Hosting.ApplicationModel;

/// <summary>A node of a <see cref="RedisTopologyResource"/>, whether it runs as a container or as a local process.</summary>
/// <remarks>
/// Not an <see cref="IResourceWithParent"/>: Aspire gives such children their parent's lifetime and health checks, as
/// a database shares its server's. A node lives and fails on its own, so it names its topology through a parent
/// relationship instead, which the dashboard groups by just the same.
/// </remarks>
public interface IRedisNodeResource : IResourceWithEndpoints, IResourceWithWaitSupport
{
    /// <summary>Gets the planned node.</summary>
    RedisNode Node { get; }

    /// <summary>Gets the topology the node belongs to.</summary>
    RedisTopologyResource Topology { get; }
}
