using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using VibeZ.Redis.Cluster;
using VibeZ.Redis.Configuration;
using VibeZ.Redis.Sentinel;
using VibeZ.Redis.Telemetry;

namespace VibeZ.Redis.Connection;

/// <summary>
/// Creates the process's one multiplexer. Aspire's own factory calls <c>ConnectionMultiplexer.Connect</c>, which
/// cannot give sentinels a password of their own; this one can, and owns the sentinel connection it needs for that.
/// </summary>
/// <remarks>
/// Also where the reconnect schedule is applied and every <see cref="IRedisConnectionObserver"/> registered for the mode
/// starts listening, so every multiplexer a VibeZ process has reports its reconnects, failovers and slot moves the same way.
/// </remarks>
internal sealed class RedisConnector
{
    private readonly IOptions<ConfigurationOptions> _options;
    private readonly RedisConnectionSettings _settings;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly RedisReconnectPolicy _policy;
    private readonly IOptions<RedisReconnectOptions> _reconnectOptions;
    private readonly IEnumerable<IRedisConnectionObserver> _observers;
    private readonly RedisSocketTracker? _sockets;
    private readonly RedisSentinelConnection? _sentinels;

    public RedisConnector(
        IOptions<ConfigurationOptions> options,
        RedisConnectionSettings settings,
        ILoggerFactory loggerFactory,
        RedisReconnectPolicy policy,
        IOptions<RedisReconnectOptions> reconnectOptions,
        IEnumerable<IRedisConnectionObserver> observers,
        RedisSocketTracker? sockets = null,
        RedisSentinelConnection? sentinels = null)
    {
        _options = options;
        _settings = settings;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<RedisConnector>();
        _policy = policy;
        _reconnectOptions = reconnectOptions;
        _observers = observers;
        _sockets = sockets;
        _sentinels = sentinels;
    }

    /// <summary>Gets the sentinel connection in sentinel mode once connected; null otherwise.</summary>
    public IConnectionMultiplexer? Sentinels => _sentinels?.Multiplexer;

    public ConnectionMultiplexer Connect()
    {
        var options = _options.Value;
        var clientLog = options.LoggerFactory ?? _loggerFactory;

        // Only this multiplexer's failures are reported by RedisReconnectReporter; the sentinels' keep their own log.
        options.LoggerFactory = new RedisClientLoggerFactory(clientLog);
        RedisConfigurationOptionsFactory.ApplyReconnect(options, _policy);

        RedisLog.Connecting(_logger, _settings.Mode, options.ToString(includePassword: false));
        if (_settings.UrlPasswordOverriddenBy is string passwordSetting)
        {
            RedisLog.UrlPasswordOverridden(_logger, passwordSetting);
        }

        // Sentinel and cluster modes: set before the sentinel options are cloned from these, so both connections keep it.
        if (_sockets is not null)
        {
            options.Tunnel = _sockets;
        }

        var multiplexer = _settings.Mode switch
        {
            RedisMode.Sentinel => ConnectThroughSentinels(options, clientLog),
            RedisMode.Cluster => ConnectToCluster(options),
            _ => ConnectionMultiplexer.Connect(options),
        };
        foreach (var observer in _observers)
        {
            observer.Attach(multiplexer);
        }

        RedisLog.Connected(_logger, _settings.Mode, string.Join(",", multiplexer.GetEndPoints().Select(RedisEndPointFormatter.Format)));
        return multiplexer;
    }

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
    /// step on its own options. The sentinel connection stays open (<see cref="RedisSentinelConnection"/>): the
    /// failover tracker follows <c>+switch-master</c> on it.
    /// </summary>
    private ConnectionMultiplexer ConnectThroughSentinels(ConfigurationOptions primaryOptions, ILoggerFactory sentinelLog)
    {
        if (_settings.SentinelPassword is not null)
        {
            RedisLog.SentinelSeparateAuth(_logger);
        }

        var sentinelOptions = RedisConfigurationOptionsFactory.CreateSentinelOptions(primaryOptions, _settings);
        sentinelOptions.LoggerFactory = sentinelLog;

        // Same schedule, but a policy of its own: sentinel retries must not be counted as the primary's.
        RedisConfigurationOptionsFactory.ApplyReconnect(sentinelOptions, new RedisReconnectPolicy(_reconnectOptions.Value));
        var sentinels = _sentinels ?? throw new InvalidOperationException($"Sentinel mode needs a {nameof(RedisSentinelConnection)}; AddVibeZRedis registers one.");
        return sentinels.Connect(sentinelOptions).GetSentinelMasterConnection(primaryOptions);
    }
}
