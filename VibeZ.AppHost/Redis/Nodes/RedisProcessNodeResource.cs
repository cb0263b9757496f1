namespace Aspire.Hosting.ApplicationModel;

/// <summary>A node of a topology that runs as a local <c>redis-server</c> process, started through <see cref="RedisNodeCommand"/>.</summary>
/// <param name="node">The planned node.</param>
/// <param name="topology">The topology it belongs to.</param>
public sealed class RedisProcessNodeResource(RedisNode node, RedisTopologyResource topology)
    : ExecutableResource(node.Name, RedisNodeCommand.Shell, topology.NodeDirectory(node)), IRedisNodeResource
{
    /// <inheritdoc />
    public RedisNode Node { get; } = node;

    /// <inheritdoc />
    public RedisTopologyResource Topology { get; } = topology;
}
