namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A master, a replica and <see cref="Sentinels"/> sentinels that fail over between them: services get
/// <c>REDIS_MODE=sentinel</c>, <c>REDIS_SENTINELS</c> and <c>REDIS_SENTINEL_NAME</c>.
/// </summary>
public sealed class RedisSentinelResource(
    string name, RedisTopologySettings settings, RedisRuntime runtime, RedisTopologyCredentials credentials, string? containerRuntime = null, bool debugCommands = false)
    : RedisTopologyResource(name, RedisTopologyKind.Sentinel, settings, runtime, credentials, containerRuntime, debugCommands)
{
    /// <summary>Gets the number of sentinels, <c>{name}-sentinel-1</c> and on.</summary>
    public int Sentinels => Settings.Sentinels;

    /// <summary>Gets how many sentinels must agree that the master is down before they fail over.</summary>
    public int Quorum => Settings.Quorum;
}
