using System.Net;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using VibeZ.ServiceDefaults.Redis.Configuration;
using VibeZ.ServiceDefaults.Redis.Connection;
using VibeZ.ServiceDefaults.Redis.Telemetry;

namespace VibeZ.ServiceDefaults.Redis.Sentinel;

/// <summary>
/// Sentinel failovers, from losing the master to another node taking writes: the <c>Redis failover started</c> and
/// <c>Redis failover completed</c> logs, the <c>redis.failover</c> span and the failover metrics. Reconnects are
/// reported by <see cref="RedisConnectionEvents"/>, which this follows.
/// </summary>
/// <remarks>
/// Made by <see cref="RedisConnector"/> once the sentinels are connected, because the fence and the sentinel query
/// need that connection; made before the primary multiplexer reports anything, so no master loss goes unseen.
/// </remarks>
internal sealed partial class RedisSentinelFailoverTracker : IDisposable
{
    private readonly Lock _lock = new();
    private readonly IConnectionMultiplexer _multiplexer;
    private readonly RedisConnectionEvents _events;
    private readonly RedisMasterFence _fence;
    private readonly RedisSentinelMasterQuery _sentinels;
    private readonly RedisSocketTracker _sockets;
    private readonly string _serviceName;
    private readonly RedisReconnectPolicy _policy;
    private readonly RedisConnectionState _state;
    private readonly RedisMetrics _metrics;
    private readonly RedisFailoverSpan _failoverSpan;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private PendingFailover? _failover;
    private ITimer? _failoverTimer;
    private ITimer? _sentinelPoll;
    private int _askingSentinels;

    // A master the sentinels named on the last poll without a +switch-master for it: acted on only if named again,
    // so an announcement that is merely slower than the poll is not taken for a missed one.
    private string? _unannouncedMaster;

    // The master the sentinels name, once known: only its loss starts a failover, and only a switch to another
    // master ends one. Without it, a replica that drops its connections while being promoted looks like a lost
    // master, and a hung old master (still connected, still flagged master) looks like its successor.
    private string? _sentinelMaster;

    /// <param name="multiplexer">The primary multiplexer the sentinels gave.</param>
    /// <param name="events">Reports the primary's connection failures and restores; this follows them.</param>
    /// <param name="fence">Fences the master from the moment it is lost, not only from the switch the sentinels announce.</param>
    /// <param name="sentinels">Asked during a failover, in case the sentinels' announcement never arrives.</param>
    /// <param name="sockets">The primary's sockets, so a hung old master's connections can be closed.</param>
    /// <param name="serviceName">The sentinels' name for the master (<c>REDIS_SENTINEL_NAME</c>).</param>
    /// <param name="policy">The reconnect schedule, whose base delay paces the check for a new master.</param>
    /// <param name="state">The connection state the services read.</param>
    /// <param name="metrics">Counts failovers and records their duration.</param>
    /// <param name="failoverSpan">The <c>redis.failover</c> span.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">Where the failover is logged.</param>
    public RedisSentinelFailoverTracker(
        IConnectionMultiplexer multiplexer,
        RedisConnectionEvents events,
        RedisMasterFence fence,
        RedisSentinelMasterQuery sentinels,
        RedisSocketTracker sockets,
        string serviceName,
        RedisReconnectPolicy policy,
        RedisConnectionState state,
        RedisMetrics metrics,
        RedisFailoverSpan failoverSpan,
        TimeProvider timeProvider,
        ILogger<RedisSentinelFailoverTracker> logger)
    {
        _multiplexer = multiplexer;
        _events = events;
        _fence = fence;
        _sentinels = sentinels;
        _sockets = sockets;
        _serviceName = serviceName;
        _policy = policy;
        _state = state;
        _metrics = metrics;
        _failoverSpan = failoverSpan;
        _timeProvider = timeProvider;
        _logger = logger;

        // The master the sentinels named when the multiplexer connected.
        if (multiplexer.GetServers().FirstOrDefault(server => server.IsConnected && !server.IsReplica) is { } master)
        {
            _sentinelMaster = RedisEndPointFormatter.Format(master.EndPoint);
        }

        events.InteractiveOutageBegan += OnPossibleMasterLoss;
        events.ConnectionRestored += OnConnectionRestored;
        multiplexer.ConfigurationChanged += (_, _) => Guard(CheckFailover);
        multiplexer.ConfigurationChangedBroadcast += (_, _) => Guard(CheckFailover);
    }

    public void Dispose()
    {
        _events.InteractiveOutageBegan -= OnPossibleMasterLoss;
        _events.ConnectionRestored -= OnConnectionRestored;
        lock (_lock)
        {
            EndFailoverLocked();
        }
    }

    private void OnPossibleMasterLoss(EndPoint endPoint, ConnectionFailureType failureType)
    {
        var formatted = RedisEndPointFormatter.Format(endPoint);
        if (_multiplexer.GetServer(endPoint).IsReplica
            || (Volatile.Read(ref _sentinelMaster) is string named && named != formatted))
        {
            return;
        }

        // A master that comes back before the client hears of the switch would otherwise be dialed as a master again.
        _fence.OnLost(formatted);
        if (BeginFailover(formatted))
        {
            RedisLog.FailoverStarted(_logger, formatted, failureType);
        }
    }

    private void OnConnectionRestored(ConnectionFailedEventArgs e)
    {
        CheckFailover();
        if (e.ConnectionType == ConnectionType.Interactive && e.EndPoint is not null)
        {
            CancelFailoverIfMasterReturned(RedisEndPointFormatter.Format(e.EndPoint));
        }
    }

    private bool BeginFailover(string oldMaster)
    {
        lock (_lock)
        {
            if (_failover is not null)
            {
                return false;
            }

            _failover = new PendingFailover(oldMaster, _timeProvider.GetUtcNow());
            _failoverSpan.Begin(oldMaster, _failover.Start);

            // The new master is usually a replica the multiplexer is already connected to, so no ConnectionRestored
            // announces it; the configuration events usually do, and this poll covers the case they do not.
            _failoverTimer = _timeProvider.CreateTimer(_ => Guard(CheckFailover), null, _policy.BaseDelay, _policy.BaseDelay);

            // Only +switch-master names the new master, and a subscription that was down at that moment never hears it.
            _sentinelPoll = _timeProvider.CreateTimer(_ => _ = AskSentinelsAsync(), null, RedisDefaults.FailoverSentinelPollInterval, RedisDefaults.FailoverSentinelPollInterval);
        }

        _state.Report(RedisConnectionStatus.Failover, oldMaster, $"Redis failover started: master {oldMaster} lost");
        return true;
    }

    private void CheckFailover()
    {
        var pending = Volatile.Read(ref _failover);
        if (pending is null)
        {
            return;
        }

        var named = Volatile.Read(ref _sentinelMaster);
        var newMaster = _multiplexer.GetServers()
            .Where(server => server.IsConnected && !server.IsReplica && server.ServerType != ServerType.Sentinel)
            .Select(server => RedisEndPointFormatter.Format(server.EndPoint))
            .FirstOrDefault(endPoint => endPoint != pending.OldMaster && (named is null || endPoint == named));
        if (newMaster is null)
        {
            return;
        }

        PendingFailover? completed;
        var now = _timeProvider.GetUtcNow();
        lock (_lock)
        {
            completed = _failover;
            EndFailoverLocked();

            // Under the lock, so the span of a failover that begins right after this one is not the one ended here.
            if (completed is not null)
            {
                _failoverSpan.Complete(newMaster, now);
            }
        }

        if (completed is null)
        {
            return;
        }

        var duration = now - completed.Start;
        RedisLog.FailoverCompleted(_logger, completed.OldMaster, newMaster, (long)duration.TotalMilliseconds);
        _metrics.Failovers.Add(1);
        _metrics.FailoverDuration.Record(duration.TotalMilliseconds);
        _state.Report(RedisConnectionStatus.Connected, newMaster,
            $"Redis failover completed: {completed.OldMaster} -> {newMaster} in {(long)duration.TotalMilliseconds} ms");
    }

    /// <summary>
    /// A master that comes back before any replica was promoted (a quick restart) ends the wait without a failover;
    /// otherwise the poll would run until the next failover.
    /// </summary>
    private void CancelFailoverIfMasterReturned(string endPoint)
    {
        lock (_lock)
        {
            if (_failover?.OldMaster == endPoint)
            {
                EndFailoverLocked();
                _failoverSpan.Abandon();
            }
        }

        _state.ReportRestored(endPoint);
    }

    private void EndFailoverLocked()
    {
        _failover = null;
        _failoverTimer?.Dispose();
        _failoverTimer = null;
        _sentinelPoll?.Dispose();
        _sentinelPoll = null;
    }

    private void Guard(Action handler)
    {
        try
        {
            handler();
        }
        catch (Exception ex)
        {
            // StackExchange.Redis raises these events on its own threads; an exception there would end up unobserved.
            RedisLog.EventHandlerFailed(_logger, ex);
        }
    }

    private sealed record PendingFailover(string OldMaster, DateTimeOffset Start);
}
