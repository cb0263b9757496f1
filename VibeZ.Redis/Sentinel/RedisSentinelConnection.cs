using StackExchange.Redis;
using VibeZ.Redis.Connection;

namespace VibeZ.Redis.Sentinel;

/// <summary>
/// The connection to the sentinels that sentinel mode keeps open for as long as the process runs:
/// <see cref="RedisConnector"/> makes it to find the master, <see cref="RedisSentinelFailoverTracker"/> follows
/// <c>+switch-master</c> on it, and <see cref="RedisMasterFence"/> and <see cref="RedisSentinelMasterQuery"/> ask the
/// sentinels over it. Registered in sentinel mode only, so each of them gets it through its constructor.
/// </summary>
internal sealed class RedisSentinelConnection : IDisposable
{
    private ConnectionMultiplexer? _multiplexer;

    /// <summary>Gets the connection once <see cref="Connect"/> has made it; null before.</summary>
    public IConnectionMultiplexer? Multiplexer => Volatile.Read(ref _multiplexer);

    /// <summary>Connects to the sentinels; called once, by <see cref="RedisConnector"/>, before the master is asked for.</summary>
    public ConnectionMultiplexer Connect(ConfigurationOptions options)
    {
        var multiplexer = ConnectionMultiplexer.SentinelConnect(options);
        Volatile.Write(ref _multiplexer, multiplexer);
        return multiplexer;
    }

    /// <summary>The sentinels connected now; none before <see cref="Connect"/>.</summary>
    public IEnumerable<IServer> ConnectedSentinels() =>
        Multiplexer?.GetServers().Where(server => server.IsConnected) ?? [];

    public void Dispose() => _multiplexer?.Dispose();
}
