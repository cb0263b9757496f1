using System.Net;
using StackExchange.Redis;

namespace VibeZ.ServiceDefaults.Redis;

/// <summary>Sentinel failovers: from losing the master to another node taking writes.</summary>
internal sealed partial class RedisConnectionEvents
{
    private PendingFailover? _failover;
    private ITimer? _failoverTimer;

    // The master the sentinels name, once known: only its loss starts a failover, and only a switch to another
    // master ends one. Without it, a replica that drops its connections while being promoted looks like a lost
    // master, and a hung old master (still connected, still flagged master) looks like its successor.
    private string? _sentinelMaster;

    private RedisMasterFence? _fence;

    /// <summary>Records the master the sentinels named when the multiplexer connected.</summary>
    internal void OnSentinelsNamedMaster(string master) => Volatile.Write(ref _sentinelMaster, master);

    /// <summary>Fences the master from the moment it is lost, not only from the switch the sentinels announce later.</summary>
    internal void UseFence(RedisMasterFence fence) => _fence = fence;

    private void OnPossibleMasterLoss(EndPoint endPoint, string formatted, ConnectionFailureType failureType)
    {
        if (_settings.Mode != RedisMode.Sentinel || _multiplexer is null || _multiplexer.GetServer(endPoint).IsReplica
            || (Volatile.Read(ref _sentinelMaster) is string named && named != formatted))
        {
            return;
        }

        // A master that comes back before the client hears of the switch would otherwise be dialed as a master again.
        _fence?.OnLost(formatted);
        if (BeginFailover(formatted))
        {
            RedisLog.FailoverStarted(_logger, formatted, failureType);
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

            // The new master is usually a replica the multiplexer is already connected to, so no ConnectionRestored
            // announces it; the configuration events usually do, and this poll covers the case they do not.
            _failoverTimer = _timeProvider.CreateTimer(_ => Guard(CheckFailover), null, _policy.BaseDelay, _policy.BaseDelay);
        }

        _state.Report(RedisConnectionStatus.Failover, oldMaster, $"Redis failover started: master {oldMaster} lost");
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
        lock (_lock)
        {
            completed = _failover;
            _failover = null;
            _failoverTimer?.Dispose();
            _failoverTimer = null;
        }

        if (completed is null)
        {
            return;
        }

        var now = _timeProvider.GetUtcNow();
        var duration = now - completed.Start;
        RedisLog.FailoverCompleted(_logger, completed.OldMaster, newMaster, (long)duration.TotalMilliseconds);
        _metrics.Failovers.Add(1);
        _metrics.FailoverDuration.Record(duration.TotalMilliseconds);
        RecordSpan(RedisTelemetry.FailoverActivity, completed.Start, now,
            [new(RedisTelemetry.OldMasterTag, completed.OldMaster), new(RedisTelemetry.NewMasterTag, newMaster)]);
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
                _failover = null;
                _failoverTimer?.Dispose();
                _failoverTimer = null;
            }
        }

        _state.ReportRestored(endPoint);
    }

    /// <summary>
    /// Handles the sentinels' <c>+switch-master</c> (<c>name old-ip old-port new-ip new-port</c>). A crashed master
    /// closes its sockets, but a hung one (a stalled host, <c>DEBUG SLEEP</c>) keeps them open: commands already
    /// written to it would wait for a reply that may never come, and the client would not notice it lost the master.
    /// Breaking those connections fails them at once, as connection errors the resilience layer retries on the new
    /// master, and starts the failover report like any other master loss.
    /// </summary>
    internal void OnSentinelSwitchedMaster(string message, RedisSocketTracker sockets) => Guard(() => SwitchMaster(message, sockets));

    private void SwitchMaster(string message, RedisSocketTracker sockets)
    {
        var parts = message.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 5 || parts[0] != _settings.SentinelServiceName)
        {
            return;
        }

        var oldMaster = $"{parts[1]}:{parts[2]}";
        var newMaster = $"{parts[3]}:{parts[4]}";
        Volatile.Write(ref _sentinelMaster, newMaster);

        // Fence first: the old master's sockets are closed next, and the client must not dial it again as a master.
        sockets.Fence?.OnSwitch(oldMaster, newMaster);

        // A hung master raised no ConnectionFailed, so the switch is the first the client hears of its loss.
        BeginFailover(oldMaster);
        RedisLog.SentinelSwitchedMaster(_logger, oldMaster, newMaster, sockets.Close(oldMaster));
        CheckFailover();
    }

    private sealed record PendingFailover(string OldMaster, DateTimeOffset Start);
}
