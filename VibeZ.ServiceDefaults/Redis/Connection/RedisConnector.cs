using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using VibeZ.ServiceDefaults.Redis.Cluster;
using VibeZ.ServiceDefaults.Redis.Configuration;
using VibeZ.ServiceDefaults.Redis.Sentinel;
using VibeZ.ServiceDefaults.Redis.Telemetry;

namespace VibeZ.ServiceDefaults.Redis.Connection;

/// <summary>
/// Creates the process's one multiplexer. Aspire's own factory calls <c>ConnectionMultiplexer.Connect</c>, which
/// cannot give sentinels a password of their own; this one can, and owns the sentinel connection it needs for that.
/// </summary>
/// <remarks>
/// Also where the reconnect schedule is applied and <see cref="RedisConnectionEvents"/> and
/// <see cref="RedisClusterSlotTracker"/> start listening, so every multiplexer a VibeZ process has reports its
/// reconnects, failovers and slot moves the same way.
/// </remarks>
internal sealed class RedisConnector : IDisposable
{
    private readonly IOptions<ConfigurationOptions> _options;
    private readonly RedisConnectionSettings _settings;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly RedisReconnectPolicy _policy;
    private readonly IOptions<RedisReconnectOptions> _reconnectOptions;
    private readonly RedisConnectionEvents _events;
    private readonly RedisClusterSlotTracker _slots;
    private readonly RedisClusterDialGate _dialGate;
    private ConnectionMultiplexer? _sentinels;

    public RedisConnector(
        IOptions<ConfigurationOptions> options,
        RedisConnectionSettings settings,
        ILoggerFactory loggerFactory,
        RedisReconnectPolicy policy,
        IOptions<RedisReconnectOptions> reconnectOptions,
        RedisConnectionEvents events,
        RedisClusterSlotTracker slots,
        RedisClusterDialGate dialGate)
    {
        _options = options;
        _settings = settings;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<RedisConnector>();
        _policy = policy;
        _reconnectOptions = reconnectOptions;
        _events = events;
        _slots = slots;
        _dialGate = dialGate;
    }

    /// <summary>Gets the sentinel connection in sentinel mode once connected; null otherwise.</summary>
    public IConnectionMultiplexer? Sentinels => _sentinels;

    public ConnectionMultiplexer Connect()
    {
        var options = _options.Value;
        var clientLog = options.LoggerFactory ?? _loggerFactory;

        // Only this multiplexer's failures are reported by RedisConnectionEvents; the sentinels' keep their own log.
        options.LoggerFactory = new RedisClientLoggerFactory(clientLog);
        RedisConfigurationOptionsFactory.ApplyReconnect(options, _policy);

        RedisLog.Connecting(_logger, _settings.Mode, options.ToString(includePassword: false));
        if (_settings.UrlPasswordOverriddenBy is string passwordSetting)
        {
            RedisLog.UrlPasswordOverridden(_logger, passwordSetting);
        }

        if (_settings.Mode == RedisMode.Cluster)
        {
            options.Tunnel = new RedisSocketTracker(options.Tunnel, _dialGate);
        }

        var multiplexer = _settings.Mode switch
        {
            RedisMode.Sentinel => ConnectThroughSentinels(options, clientLog),
            RedisMode.Cluster => ConnectToCluster(options),
            _ => ConnectionMultiplexer.Connect(options),
        };
        _events.Attach(multiplexer);
        _slots.Attach(multiplexer);
        if (_settings.Mode == RedisMode.Sentinel
            && multiplexer.GetServers().FirstOrDefault(server => server.IsConnected && !server.IsReplica) is { } master)
        {
            _events.OnSentinelsNamedMaster(RedisEndPointFormatter.Format(master.EndPoint));
        }

        RedisLog.Connected(_logger, _settings.Mode, string.Join(",", multiplexer.GetEndPoints().Select(RedisEndPointFormatter.Format)));
        return multiplexer;
    }

    public void Dispose() => _sentinels?.Dispose();

    /// <summary>
    /// Connects, and connects again if seeds were given by name: by the addresses the nodes announce, so the client
    /// knows each node once (see <see cref="RedisClusterSeeds"/>). The first connection costs a few milliseconds
    /// at start-up; a node known twice costs a second set of connections, dials and reports for as long as it runs.
    /// </summary>
    private ConnectionMultiplexer ConnectToCluster(ConfigurationOptions options)
    {
        var multiplexer = ConnectionMultiplexer.Connect(options);
        if (RedisClusterSeeds.ByAnnouncedAddress(multiplexer, options.EndPoints) is not { } announced)
        {
            return multiplexer;
        }

        RedisLog.ClusterSeedsByAnnouncedAddress(_logger, string.Join(",", options.EndPoints.Select(RedisEndPointFormatter.Format)), string.Join(",", announced.Select(RedisEndPointFormatter.Format)));
        multiplexer.Dispose();
        options.EndPoints.Clear();
        foreach (var endPoint in announced)
        {
            options.EndPoints.Add(endPoint);
        }

        return ConnectionMultiplexer.Connect(options);
    }

    /// <summary>
    /// The same two steps <c>ConnectionMultiplexer.Connect</c> takes when <c>ServiceName</c> is set, with the sentinel
    /// step on its own options. The sentinel connection stays open: it follows <c>+switch-master</c> for the primary.
    /// </summary>
    private ConnectionMultiplexer ConnectThroughSentinels(ConfigurationOptions primaryOptions, ILoggerFactory sentinelLog)
    {
        if (_settings.SentinelPassword is not null)
        {
            RedisLog.SentinelSeparateAuth(_logger);
        }

        // Set before the sentinel options are cloned from these, so both connections keep the configured tunnel.
        var sockets = primaryOptions.Tunnel as RedisSocketTracker ?? new RedisSocketTracker(primaryOptions.Tunnel);
        primaryOptions.Tunnel = sockets;
        var sentinelOptions = RedisConfigurationOptionsFactory.CreateSentinelOptions(primaryOptions, _settings);
        sentinelOptions.LoggerFactory = sentinelLog;

        // Same schedule, but a policy of its own: sentinel retries must not be counted as the primary's.
        RedisConfigurationOptionsFactory.ApplyReconnect(sentinelOptions, new RedisReconnectPolicy(_reconnectOptions.Value));
        _sentinels = ConnectionMultiplexer.SentinelConnect(sentinelOptions);
        sockets.Fence = new RedisMasterFence(_sentinels, _settings.SentinelServiceName!, TimeProvider.System, _logger);
        _events.UseSentinels(sockets.Fence, new RedisSentinelMasterQuery(_sentinels, _settings.SentinelServiceName!));
        var primary = _sentinels.GetSentinelMasterConnection(primaryOptions);

        // StackExchange.Redis follows +switch-master for routing, but leaves connections to a hung old master open,
        // and the commands waiting there with them.
        _sentinels.GetSubscriber().Subscribe(
            RedisChannel.Literal("+switch-master"),
            (_, message) => _events.OnSentinelSwitchedMaster(message.ToString(), sockets));
        return primary;
    }
}
