using System.Net;
using StackExchange.Redis;

namespace VibeZ.ServiceDefaults.Redis;

/// <summary>Sentinel failovers: from losing the master to another node taking writes.</summary>
internal sealed partial class RedisConnectionEvents
{
    private PendingFailover? _failover;
    private ITimer? _failoverTimer;

    private void OnPossibleMasterLoss(EndPoint endPoint, string formatted, ConnectionFailureType failureType)
    {
        if (_settings.Mode != RedisMode.Sentinel || _multiplexer is null || _multiplexer.GetServer(endPoint).IsReplica)
        {
            return;
        }

        lock (_lock)
        {
            if (_failover is not null)
            {
                return;
            }

            _failover = new PendingFailover(formatted, _timeProvider.GetUtcNow());

            // The new master is usually a replica the multiplexer is already connected to, so no ConnectionRestored
            // announces it; the configuration events usually do, and this poll covers the case they do not.
            _failoverTimer = _timeProvider.CreateTimer(_ => Guard(CheckFailover), null, _policy.BaseDelay, _policy.BaseDelay);
        }

        RedisLog.FailoverStarted(_logger, formatted, failureType);
    }

    private void CheckFailover()
    {
        var multiplexer = _multiplexer;
        var pending = Volatile.Read(ref _failover);
        if (multiplexer is null || pending is null)
        {
            return;
        }

        var newMaster = multiplexer.GetServers()
            .Where(server => server.IsConnected && !server.IsReplica && server.ServerType != ServerType.Sentinel)
            .Select(server => RedisEndPointFormatter.Format(server.EndPoint))
            .FirstOrDefault(endPoint => endPoint != pending.OldMaster);
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
    }

    private sealed record PendingFailover(string OldMaster, DateTimeOffset Start);
}
