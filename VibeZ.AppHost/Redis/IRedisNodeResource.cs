namespace Aspire.Hosting.ApplicationModel;

/// <summary>A node of a <see cref="RedisTopologyResource"/>, whether it runs as a container or as a local process.</summary>
public interface IRedisNodeResource : IResourceWithParent<RedisTopologyResource>, IResourceWithEndpoints
{
    /// <summary>Gets the planned node.</summary>
    RedisNode Node { get; }
}
