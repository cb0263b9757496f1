using System.Net;
using StackExchange.Redis;
using VibeZ.ServiceDefaults.Redis.Configuration;
using VibeZ.ServiceDefaults.Redis.Sentinel;
using VibeZ.ServiceDefaults.Redis.Telemetry;

namespace VibeZ.ServiceDefaults.Redis.Connection;

/// <summary>Sentinel failovers: from losing the master to another node taking writes.</summary>
internal sealed partial class RedisConnectionEvents
{
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

    private RedisMasterFence? _fence;
    private RedisSentinelMasterQuery? _sentinels;

    /// <summary>Records the master the sentinels named when the multiplexer connected.</summary>
    internal void OnSentinelsNamedMaster(string master) => Volatile.Write(ref _sentinelMaster, master);

    /// <summary>
    /// Fences the master from the moment it is lost, not only from the switch the sentinels announce later, and asks
    /// the sentinels during a failover, in case their announcement never arrives.
    /// </summary>
    internal void UseSentinels(RedisMasterFence fence, RedisSentinelMasterQuery sentinels)
    {
        _fence = fence;
        _sentinels = sentinels;
    }

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
            _failoverSpan.Begin(oldMaster, _failover.Start);

            // The new master is usually a replica the multiplexer is already connected to, so no ConnectionRestored
            // announces it; the configuration events usually do, and this poll covers the case they do not.
            _failoverTimer = _timeProvider.CreateTimer(_ => Guard(CheckFailover), null, _policy.BaseDelay, _policy.BaseDelay);

            // Only +switch-master names the new master, and a subscription that was down at that moment never hears it.
            if (_sentinels is not null)
            {
                _sentinelPoll = _timeProvider.CreateTimer(_ => _ = AskSentinelsAsync(), null, RedisDefaults.FailoverSentinelPollInterval, RedisDefaults.FailoverSentinelPollInterval);
            }
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

    /// <summary>
    /// Asks the sentinels which master they name while a failover is pending. When they agree on another master than
    /// the one lost, and no <c>+switch-master</c> said so, the announcement was missed (the sentinel subscription was
    /// down when it was sent): the client follows the sentinels' answer as it would have followed the message.
    /// </summary>
    private async Task AskSentinelsAsync()
    {
        if (Interlocked.Exchange(ref _askingSentinels, 1) == 1)
        {
            return;
        }

        try
        {
            if (Volatile.Read(ref _failover) is not { } pending || _sentinels is null)
            {
                return;
            }

            var named = await _sentinels.NamedMasterAsync();
            if (named is null || named == pending.OldMaster || named == Volatile.Read(ref _sentinelMaster))
            {
                _unannouncedMaster = null;
                return;
            }

            if (_unannouncedMaster != named)
            {
                _unannouncedMaster = named;
                return;
            }

            _unannouncedMaster = null;
            RedisLog.SwitchMasterMissed(_logger, pending.OldMaster, named);
            Volatile.Write(ref _sentinelMaster, named);
            _fence?.OnSwitch(pending.OldMaster, named);
            CheckFailover();
        }
        catch (Exception ex)
        {
            // A timer callback: an exception here would end up unobserved.
            RedisLog.EventHandlerFailed(_logger, ex);
        }
        finally
        {
            Volatile.Write(ref _askingSentinels, 0);
        }
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

        // A switch the client already followed on the sentinels' word (the announcement came late): not a new failover.
        var followed = Volatile.Read(ref _sentinelMaster) == newMaster && Volatile.Read(ref _failover) is null;
        Volatile.Write(ref _sentinelMaster, newMaster);

        // Fence first: the old master's sockets are closed next, and the client must not dial it again as a master.
        sockets.Fence?.OnSwitch(oldMaster, newMaster);

        // A hung master raised no ConnectionFailed, so the switch is the first the client hears of its loss.
        if (!followed)
        {
            BeginFailover(oldMaster);
        }

        RedisLog.SentinelSwitchedMaster(_logger, oldMaster, newMaster, sockets.Close(oldMaster));
        CheckFailover();
    }

    private sealed record PendingFailover(string OldMaster, DateTimeOffset Start);
}
