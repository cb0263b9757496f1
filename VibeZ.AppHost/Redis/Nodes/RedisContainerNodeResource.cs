namespace Aspire.Hosting.ApplicationModel;

/// <summary>A node of a topology that runs as a container.</summary>
/// <param name="node">The planned node.</param>
/// <param name="topology">The topology it belongs to.</param>
public sealed class RedisContainerNodeResource(RedisNode node, RedisTopologyResource topology)
    : ContainerResource(node.Name), IRedisNodeResource
{
    /// <inheritdoc />
    public RedisNode Node { get; } = node;

    /// <inheritdoc />
    public RedisTopologyResource Topology { get; } = topology;
}
