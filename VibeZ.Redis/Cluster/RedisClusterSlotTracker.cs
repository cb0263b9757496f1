using System.Net;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using VibeZ.Redis.Configuration;
using VibeZ.Redis.Connection;
using VibeZ.Redis.Telemetry;

namespace VibeZ.Redis.Cluster;

/// <summary>
/// Cluster slot ownership changes, logged once per change of owner however it was learned: from a MOVED reply, or
/// from the topology the cluster reports after a master died (a failover can bring no MOVED at all, because the
/// client may learn the new owner before it sends anything to the old one, or send nothing at all).
/// </summary>
/// <remarks>
/// StackExchange.Redis reads the cluster once when a connection fails, before the cluster could have failed over,
/// and then only when a command is redirected. A service that sends nothing, or nothing to the dead master's slots,
/// would never learn of the takeover; so while a master that owned slots is unreachable the cluster is read again
/// every <see cref="RedisDefaults.ClusterTopologyPollInterval"/>, one read at a time. The same knowledge drives what
/// the process reports (<see cref="IRedisConnectionState"/>: reconnecting while some slots have no reachable owner)
/// and which nodes are dialed only at the reconnect cap (<see cref="RedisClusterDialGate"/>). Registered in cluster
/// mode only; <see cref="RedisReconnectReporter"/> logs the lost connections themselves.
/// </remarks>
internal sealed partial class RedisClusterSlotTracker(
    ILogger<RedisClusterSlotTracker> logger,
    TimeProvider timeProvider,
    RedisConnectionState state,
    RedisClusterDialGate dialGate) : IRedisConnectionObserver, IDisposable
{
    private readonly Lock _lock = new();
    private readonly ILogger _logger = logger;
    private readonly RedisClusterSlotOwners _slotOwners = new();

    // Masters that owned slots when their connection failed; they keep them until the cluster gives them to a replica.
    private readonly HashSet<string> _lostMasters = [];
    private IConnectionMultiplexer? _multiplexer;

    public void Attach(IConnectionMultiplexer multiplexer)
    {
        _multiplexer = multiplexer;
        ReportNodesDownAtConnect(multiplexer);
        multiplexer.HashSlotMoved += (_, e) => Guard(() => OnHashSlotMoved(e));
        multiplexer.ConfigurationChanged += (_, _) => RefreshTopologyInBackground(preferred: null, reconfigure: false);
        multiplexer.ConfigurationChangedBroadcast += (_, _) => RefreshTopologyInBackground(preferred: null, reconfigure: false);
        multiplexer.ConnectionFailed += (_, e) => Guard(() => OnClusterConnectionFailed(e));
        multiplexer.ConnectionRestored += (_, e) => Guard(() => OnClusterConnectionRestored(e));

        // The first snapshot only learns who owns what; moves are what later snapshots differ in.
        RefreshTopologyInBackground(preferred: null, reconfigure: false);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _lostMasters.Clear();
            _promotedReplicas.Clear();
            _topologyTimer?.Dispose();
            _topologyTimer = null;
        }
    }

    /// <summary>
    /// Compares slot ownership again after someone else had StackExchange.Redis re-read the cluster (the resilience
    /// layer does, when an attempt on a hung master times out): that re-read raises no event of its own, and a hung
    /// master's takeover brings neither a MOVED nor a dropped connection.
    /// </summary>
    internal void OnClusterReread() => RefreshTopologyInBackground(preferred: null, reconfigure: false);

    internal void OnHashSlotMoved(HashSlotMovedEventArgs e)
    {
        var newEndPoint = RedisEndPointFormatter.Format(e.NewEndPoint);
        lock (_lock)
        {
            // Commands already in flight when the slot moved are redirected too; their MOVED says nothing new.
            if (_slotOwners.OwnerOf(e.HashSlot) == newEndPoint)
            {
                return;
            }
        }

        var oldEndPoint = e.OldEndPoint is null ? "(unknown)" : RedisEndPointFormatter.Format(e.OldEndPoint);
        if (_multiplexer is not null)
        {
            // A failover moves all of a master's slots at once: the topology says which, so the move is logged as
            // ranges, and the MOVED of the next command to another of those slots is then nothing new.
            _ = LearnMoveAsync(e.HashSlot, oldEndPoint, e.NewEndPoint, newEndPoint);
            return;
        }

        LogSlotMovedIfNew(e.HashSlot, oldEndPoint, newEndPoint);
    }

    private async Task LearnMoveAsync(int hashSlot, string oldEndPoint, EndPoint newEndPoint, string formattedNewEndPoint)
    {
        bool IsStillNews() => _slotOwners.OwnerOf(hashSlot) != formattedNewEndPoint;

        // The redirects of a failover come in bursts: the first one has the topology read again, the rest find the
        // move already known once they get their turn.
        await RefreshTopologyGuardedAsync(newEndPoint, reconfigure: true, isStillNews: IsStillNews);

        // On a busy machine the nodes may answer the re-read after its short wait. Logged now as one slot, the move
        // would be logged again as the ranges around it once they answer; so their views are looked at again as they
        // come, for a while, and the slot is logged on its own only if none of them shows the move by then.
        var deadline = timeProvider.GetTimestamp() + (long)(RedisDefaults.ClusterMovedSettleWait.TotalSeconds * timeProvider.TimestampFrequency);
        while (StillNews() && timeProvider.GetTimestamp() < deadline)
        {
            await Task.Delay(RedisDefaults.ClusterMovedSettleWait / 10, timeProvider);
            await RefreshTopologyGuardedAsync(newEndPoint, reconfigure: false, isStillNews: IsStillNews);
        }

        Guard(() => LogSlotMovedIfNew(hashSlot, oldEndPoint, formattedNewEndPoint));

        bool StillNews()
        {
            lock (_lock)
            {
                return IsStillNews();
            }
        }
    }

    private void LogSlotMovedIfNew(int hashSlot, string oldEndPoint, string newEndPoint)
    {
        Outcome outcome;
        lock (_lock)
        {
            if (!_slotOwners.Move(hashSlot, newEndPoint))
            {
                return;
            }

            outcome = SettleLostMasters();
        }

        RedisLog.ClusterSlotMoved(_logger, hashSlot, oldEndPoint, newEndPoint);
        Report(outcome, $"Redis cluster slot moved: slot {hashSlot} from {oldEndPoint} to {newEndPoint}", newEndPoint);
    }

    /// <summary>
    /// After slots changed owner: a lost master that no longer owns any was failed over by the cluster, so it is
    /// no longer waited for, and is dialed only at the cap until it answers. Called under <c>_lock</c>.
    /// </summary>
    private Outcome SettleLostMasters()
    {
        var retired = _lostMasters.Where(endPoint => !_slotOwners.Owns(endPoint)).ToList();
        _lostMasters.ExceptWith(retired);
        StopTopologyPollIfDone();
        return new Outcome(retired, Whole: _lostMasters.Count == 0);
    }

    private void Report(Outcome outcome, string detail, string endPoint)
    {
        foreach (var retired in outcome.Retired)
        {
            if (dialGate.Retire(retired))
            {
                RedisLog.ClusterNodeRetired(_logger, retired, (long)dialGate.Cap.TotalMilliseconds);
            }
        }

        if (outcome.Whole)
        {
            state.ReportRestored(endPoint, detail);
        }
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

    /// <param name="Retired">Lost masters whose slots all moved to other nodes.</param>
    /// <param name="Whole">Whether every slot now has an owner that is not known to be down.</param>
    private sealed record Outcome(IReadOnlyList<string> Retired, bool Whole);
}
