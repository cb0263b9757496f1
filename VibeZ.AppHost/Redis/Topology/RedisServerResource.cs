namespace Aspire.Hosting.ApplicationModel;

/// <summary>One Redis server, <c>{name}-server</c>: services get <c>REDIS_MODE=single</c> and <c>REDIS_URL</c>.</summary>
/// <remarks>The constructor's parameters are those of <see cref="RedisTopologyResource"/>'s, less the kind.</remarks>
public sealed class RedisServerResource(
    string name, RedisTopologySettings settings, RedisRuntime runtime, RedisTopologyCredentials credentials, string? containerRuntime = null, bool debugCommands = false)
    : RedisTopologyResource(name, RedisTopologyKind.Single, settings, runtime, credentials, containerRuntime, debugCommands);
