using System.Net;
using StackExchange.Redis;
using VibeZ.Redis.Configuration;
using VibeZ.Redis.Telemetry;

namespace VibeZ.Redis.Cluster;

/// <summary>Reading the cluster: the poll while a master is lost, and which of the nodes' views to believe.</summary>
internal sealed partial class RedisClusterSlotTracker
{
    private readonly SemaphoreSlim _topologyGate = new(1, 1);

    // Replicas that took slots over while StackExchange.Redis may still take them for replicas (see RefreshTopologyAsync).
    private readonly HashSet<string> _promotedReplicas = [];

    // The view each node gave last time it was read, to tell a node that answered again from one that did not.
    private readonly Dictionary<string, ClusterConfiguration> _seenViews = [];
    private ITimer? _topologyTimer;
    private Task _reread = Task.CompletedTask;
    private int _topologyPollRunning;

    /// <summary>Called under <c>_lock</c>.</summary>
    private void StartTopologyPoll() =>
        _topologyTimer ??= timeProvider.CreateTimer(_ => PollTopology(), null, RedisDefaults.ClusterTopologyPollInterval, RedisDefaults.ClusterTopologyPollInterval);

    /// <summary>Called under <c>_lock</c>.</summary>
    private void StopTopologyPollIfDone()
    {
        if (_lostMasters.Count == 0 && _promotedReplicas.Count == 0)
        {
            _topologyTimer?.Dispose();
            _topologyTimer = null;
        }
    }

    private void PollTopology()
    {
        // A look at the cluster can outlast the interval (a dead seed answers only at its next attempt): skip, don't queue.
        if (Interlocked.CompareExchange(ref _topologyPollRunning, 1, 0) != 0)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await RefreshTopologyGuardedAsync(preferred: null, reconfigure: true, isStillNews: null);
            }
            finally
            {
                Volatile.Write(ref _topologyPollRunning, 0);
            }
        });
    }

    private void RefreshTopologyInBackground(EndPoint? preferred, bool reconfigure) =>
        _ = Task.Run(() => RefreshTopologyGuardedAsync(preferred, reconfigure, isStillNews: null));

    private async Task RefreshTopologyGuardedAsync(EndPoint? preferred, bool reconfigure, Func<bool>? isStillNews)
    {
        try
        {
            await RefreshTopologyAsync(preferred, reconfigure, isStillNews);
        }
        catch (ObjectDisposedException)
        {
            // The multiplexer was disposed while a refresh was queued: the process is shutting down.
        }
        catch (Exception ex)
        {
            RedisLog.EventHandlerFailed(_logger, ex);
        }
    }

    /// <param name="preferred">The server whose view to prefer (the one a MOVED pointed to), or null.</param>
    /// <param name="reconfigure">Whether to have the nodes answer again first (see <see cref="ReadAgainAsync"/>).</param>
    /// <param name="isStillNews">Checked under the lock once this refresh's turn comes; false skips it.</param>
    private async Task RefreshTopologyAsync(EndPoint? preferred, bool reconfigure, Func<bool>? isStillNews)
    {
        var multiplexer = _multiplexer;
        if (multiplexer is null)
        {
            return;
        }

        IReadOnlyList<RedisClusterSlotMove> moves;
        Outcome outcome;
        await _topologyGate.WaitAsync();
        try
        {
            if (isStillNews is not null)
            {
                lock (_lock)
                {
                    if (!isStillNews())
                    {
                        return;
                    }
                }
            }

            if (reconfigure)
            {
                await ReadAgainAsync(multiplexer);
            }

            lock (_lock)
            {
                if (ReadTopology(multiplexer, preferred) is not { } configuration)
                {
                    return;
                }

                // A lost master is nobody's new owner: a view that still gives it slots is only older than ours.
                var snapshot = configuration.Nodes
                    .Where(node => !node.IsReplica && node.EndPoint is not null)
                    .SelectMany(node => node.Slots.Select(range => new RedisClusterSlotRange(range.From, range.To, RedisEndPointFormatter.Format(node.EndPoint!))))
                    .Where(range => !_lostMasters.Contains(range.Owner))
                    .ToList();
                moves = _slotOwners.Apply(snapshot);

                // StackExchange.Redis may route a moved slot to its new owner while it still takes that node for a
                // replica, and refuses to write there; the poll goes on until it has seen the promotion too.
                _promotedReplicas.UnionWith(moves.Select(move => move.NewOwner));
                _promotedReplicas.RemoveWhere(endPoint => !IsKnownAsReplica(multiplexer, endPoint));
                outcome = SettleLostMasters();
                if (_promotedReplicas.Count > 0)
                {
                    StartTopologyPoll();
                }
            }
        }
        finally
        {
            _topologyGate.Release();
        }

        foreach (var move in moves)
        {
            RedisLog.ClusterSlotsMoved(_logger, move.From, move.To, move.OldOwner, move.NewOwner);
        }

        if (moves.Count > 0)
        {
            var last = moves[^1];
            Report(outcome, $"Redis cluster slot moved: slots {last.From}-{last.To} from {last.OldOwner} to {last.NewOwner}", last.NewOwner);
        }
    }

    /// <summary>
    /// Has StackExchange.Redis read the cluster again: every reachable seed answers <c>CLUSTER NODES</c>, and the
    /// client routes by what they say. Its view (<see cref="IServer.ClusterConfiguration"/>) is only as new as its
    /// last look, and after a takeover it may route the dead master's slots nowhere until it looks again.
    /// </summary>
    /// <remarks>
    /// The re-read also waits for seeds that are down until their next reconnect attempt fails (up to the reconnect
    /// cap), while the live ones answer in milliseconds; so it is waited for only briefly, and the views read after
    /// that are those of the nodes that answered. One re-read runs at a time (StackExchange.Redis declines another).
    /// </remarks>
    private async Task ReadAgainAsync(IConnectionMultiplexer multiplexer)
    {
        Task reread;
        lock (_lock)
        {
            if (_reread.IsCompleted)
            {
                // A failed re-read (the multiplexer disposed at shutdown, say) is not reported: the next tick, redirect
                // or attempt timeout reads again, and what matters is reported by the connection events.
                _reread = multiplexer.ConfigureAsync().ContinueWith(static task => _ = task.Exception, TaskScheduler.Default);
            }

            reread = _reread;
        }

        await Task.WhenAny(reread, Task.Delay(RedisDefaults.ClusterRereadWait, timeProvider));
    }

    /// <summary>
    /// The cluster as most of the nodes that answered since the last look see it; null when none did. A node that
    /// did not answer (down, hung, or simply not a seed StackExchange.Redis asked) holds a view from before, which
    /// would outvote the takeover. Called under <c>_lock</c>.
    /// </summary>
    private ClusterConfiguration? ReadTopology(IConnectionMultiplexer multiplexer, EndPoint? preferred)
    {
        var fresh = new List<(IServer Server, ClusterConfiguration View)>();
        foreach (var server in multiplexer.GetServers())
        {
            var endPoint = RedisEndPointFormatter.Format(server.EndPoint);
            if (!server.IsConnected || _lostMasters.Contains(endPoint) || server.ClusterConfiguration is not { } view)
            {
                continue;
            }

            if (!_seenViews.TryGetValue(endPoint, out var seen) || !ReferenceEquals(seen, view))
            {
                _seenViews[endPoint] = view;
                fresh.Add((server, view));
            }
        }

        return fresh
            .OrderByDescending(entry => preferred is not null && entry.Server.EndPoint.Equals(preferred))
            .ThenBy(entry => entry.Server.IsReplica)
            .Select(entry => entry.View)
            .GroupBy(SlotOwnership)
            .OrderByDescending(group => group.Count())
            .Select(group => group.First())
            .FirstOrDefault();
    }

    private static string SlotOwnership(ClusterConfiguration configuration) => string.Join(
        ",",
        configuration.Nodes
            .Where(node => !node.IsReplica && node.EndPoint is not null)
            .SelectMany(node => node.Slots.Select(range => $"{range.From}-{range.To}@{RedisEndPointFormatter.Format(node.EndPoint!)}"))
            .Order(StringComparer.Ordinal));

    private static bool IsKnownAsReplica(IConnectionMultiplexer multiplexer, string endPoint) =>
        multiplexer.GetServers().Any(server => RedisEndPointFormatter.Format(server.EndPoint) == endPoint && server.IsReplica);
}
