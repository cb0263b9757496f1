using System.Net;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using VibeZ.Redis.Configuration;
using VibeZ.Redis.Connection;
using VibeZ.Redis.Telemetry;

namespace VibeZ.Redis.Sentinel;

/// <summary>
/// Sentinel failovers, from losing the master to another node taking writes: the <c>Redis failover completed</c> log of
/// docs/redis/resilience.md (Events), the <c>redis.failover</c> span, the failover metrics and the connection state meanwhile.
/// It fences the lost master (<see cref="RedisMasterFence"/>) and follows the sentinels' <c>+switch-master</c>.
/// </summary>
/// <remarks>Registered in sentinel mode only; <see cref="RedisReconnectReporter"/> logs the lost connections themselves.</remarks>
internal sealed partial class RedisSentinelFailoverTracker(
    ILogger<RedisSentinelFailoverTracker> logger,
    TimeProvider timeProvider,
    RedisMetrics metrics,
    RedisConnectionSettings settings,
    RedisReconnectPolicy policy,
    RedisConnectionState state,
    RedisFailoverSpan failoverSpan,
    RedisSentinelConnection sentinels,
    RedisSentinelMasterQuery masterQuery,
    RedisMasterFence fence,
    RedisSocketTracker sockets) : IRedisConnectionObserver, IDisposable
{
    private readonly Lock _lock = new();
    private readonly ILogger _logger = logger;

    // Endpoints whose interactive connection is down: only the first failure of an outage can be a master's loss.
    private readonly HashSet<string> _down = [];
    private IConnectionMultiplexer? _multiplexer;
    private PendingFailover? _failover;
    private ITimer? _failoverTimer;
    private ITimer? _sentinelPoll;

    // The master the sentinels name, once known: only its loss starts a failover, and only a switch to another
    // master ends one. Without it, a replica that drops its connections while being promoted looks like a lost
    // master, and a hung old master (still connected, still flagged master) looks like its successor.
    private string? _sentinelMaster;

    public void Attach(IConnectionMultiplexer multiplexer)
    {
        _multiplexer = multiplexer;
        multiplexer.ConnectionFailed += (_, e) => Guard(() => OnConnectionFailed(e));
        multiplexer.ConnectionRestored += (_, e) => Guard(() => OnConnectionRestored(e));
        multiplexer.ConfigurationChanged += (_, _) => Guard(CheckFailover);
        multiplexer.ConfigurationChangedBroadcast += (_, _) => Guard(CheckFailover);

        // A node that did not answer at connect failed before anyone listened; that is not the loss of a master.
        lock (_lock)
        {
            _down.UnionWith(multiplexer.GetEndPoints().Where(endPoint => !multiplexer.GetServer(endPoint).IsConnected).Select(RedisEndPointFormatter.Format));
        }

        // StackExchange.Redis follows +switch-master for routing, but leaves connections to a hung old master open,
        // and the commands waiting there with them.
        var sentinelConnection = sentinels.Multiplexer ?? throw new InvalidOperationException("Attached before RedisConnector connected to the sentinels.");
        sentinelConnection.GetSubscriber().Subscribe(
            RedisChannel.Literal("+switch-master"),
            (_, message) => OnSentinelSwitchedMaster(message.ToString()));
        if (multiplexer.GetServers().FirstOrDefault(server => server.IsConnected && !server.IsReplica) is { } master)
        {
            Volatile.Write(ref _sentinelMaster, RedisEndPointFormatter.Format(master.EndPoint));
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            EndFailoverLocked();
        }
    }

    private void OnConnectionFailed(ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType != ConnectionType.Interactive || e.EndPoint is null)
        {
            return;
        }

        var formatted = RedisEndPointFormatter.Format(e.EndPoint);
        lock (_lock)
        {
            if (!_down.Add(formatted))
            {
                return;
            }
        }

        OnPossibleMasterLoss(e.EndPoint, formatted, e.FailureType);
    }

    private void OnPossibleMasterLoss(EndPoint endPoint, string formatted, ConnectionFailureType failureType)
    {
        if (_multiplexer is null || _multiplexer.GetServer(endPoint).IsReplica
            || (Volatile.Read(ref _sentinelMaster) is string named && named != formatted))
        {
            return;
        }

        // A master that comes back before the client hears of the switch would otherwise be dialed as a master again.
        fence.OnLost(formatted);
        if (BeginFailover(formatted))
        {
            RedisLog.FailoverStarted(_logger, formatted, failureType);
        }
    }

    private void OnConnectionRestored(ConnectionFailedEventArgs e)
    {
        var endPoint = e.ConnectionType == ConnectionType.Interactive && e.EndPoint is not null ? RedisEndPointFormatter.Format(e.EndPoint) : null;
        if (endPoint is not null)
        {
            lock (_lock)
            {
                _down.Remove(endPoint);
            }
        }

        CheckFailover();
        if (endPoint is not null)
        {
            CancelFailoverIfMasterReturned(endPoint);
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

            _failover = new PendingFailover(oldMaster, timeProvider.GetUtcNow());
            failoverSpan.Begin(oldMaster, _failover.Start);

            // The new master is usually a replica the multiplexer is already connected to, so no ConnectionRestored
            // announces it; the configuration events usually do, and this poll covers the case they do not.
            _failoverTimer = timeProvider.CreateTimer(_ => Guard(CheckFailover), null, policy.BaseDelay, policy.BaseDelay);

            // Only +switch-master names the new master, and a subscription that was down at that moment never hears it.
            _sentinelPoll = timeProvider.CreateTimer(_ => _ = AskSentinelsAsync(), null, RedisDefaults.FailoverSentinelPollInterval, RedisDefaults.FailoverSentinelPollInterval);
        }

        state.Report(RedisConnectionStatus.Failover, oldMaster, $"Redis failover started: master {oldMaster} lost");
        return true;
    }

    private void CheckFailover()
    {
        var multiplexer = _multiplexer;
        var pending = Volatile.Read(ref _failover);
        if (multiplexer is null || pending is null)
        {
            return;
        }

        var named = Volatile.Read(ref _sentinelMaster);
        var newMaster = multiplexer.GetServers()
            .Where(server => server.IsConnected && !server.IsReplica && server.ServerType != ServerType.Sentinel)
            .Select(server => RedisEndPointFormatter.Format(server.EndPoint))
            .FirstOrDefault(endPoint => endPoint != pending.OldMaster && (named is null || endPoint == named));
        if (newMaster is null)
        {
            return;
        }

        PendingFailover? completed;
        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            completed = _failover;
            EndFailoverLocked();

            // Under the lock, so the span of a failover that begins right after this one is not the one ended here.
            if (completed is not null)
            {
                failoverSpan.Complete(newMaster, now);
            }
        }

        if (completed is null)
        {
            return;
        }

        var duration = now - completed.Start;
        RedisLog.FailoverCompleted(_logger, completed.OldMaster, newMaster, (long)duration.TotalMilliseconds);
        metrics.Failovers.Add(1);
        metrics.FailoverDuration.Record(duration.TotalMilliseconds);
        state.Report(RedisConnectionStatus.Connected, newMaster,
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
                failoverSpan.Abandon();
            }
        }

        state.ReportRestored(endPoint);
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
