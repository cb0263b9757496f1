using System.Net;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace VibeZ.ServiceDefaults.Redis;

/// <summary>
/// Cluster slot ownership changes, logged once per change of owner however it was learned: from a MOVED reply, or
/// from the topology the cluster reports after a master died (a failover can bring no MOVED at all, because the
/// client may learn the new owner before it sends anything to the old one).
/// </summary>
internal sealed class RedisClusterSlotTracker(
    ILogger<RedisClusterSlotTracker> logger,
    TimeProvider timeProvider,
    RedisConnectionSettings settings,
    RedisConnectionState state) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly ILogger _logger = logger;
    private readonly TimeProvider _timeProvider = timeProvider;
    private readonly RedisConnectionSettings _settings = settings;
    private readonly RedisConnectionState _state = state;
    private IConnectionMultiplexer? _multiplexer;

    // Only while a master that owned slots is down (cluster-node-timeout plus an election, seconds): each tick has
    // StackExchange.Redis read the cluster again, so writes come back within a tick of the takeover.
    private static readonly TimeSpan TopologyPollInterval = TimeSpan.FromMilliseconds(100);

    private readonly RedisClusterSlotOwners _slotOwners = new();
    private readonly SemaphoreSlim _topologyGate = new(1, 1);
    private readonly HashSet<string> _lostMasters = [];
    private readonly HashSet<string> _promotedReplicas = [];
    private ITimer? _topologyTimer;
    private int _topologyPollRunning;

    /// <summary>Subscribes to <paramref name="multiplexer"/>; called once, right after it is created.</summary>
    public void Attach(IConnectionMultiplexer multiplexer)
    {
        _multiplexer = multiplexer;
        multiplexer.HashSlotMoved += (_, e) => Guard(() => OnHashSlotMoved(e));
        if (_settings.Mode != RedisMode.Cluster)
        {
            return;
        }

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
        if (_settings.Mode == RedisMode.Cluster && _multiplexer is not null)
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
        // The redirects of a failover come in bursts: the first one has the topology read again, the rest find the
        // move already known once they get their turn.
        await RefreshTopologyGuardedAsync(newEndPoint, reconfigure: true, isStillNews: () => _slotOwners.OwnerOf(hashSlot) != formattedNewEndPoint);
        Guard(() => LogSlotMovedIfNew(hashSlot, oldEndPoint, formattedNewEndPoint));
    }

    private void LogSlotMovedIfNew(int hashSlot, string oldEndPoint, string newEndPoint)
    {
        lock (_lock)
        {
            if (!_slotOwners.Move(hashSlot, newEndPoint))
            {
                return;
            }
        }

        RedisLog.ClusterSlotMoved(_logger, hashSlot, oldEndPoint, newEndPoint);
        _state.ReportRestored(newEndPoint);
    }

    private void OnClusterConnectionFailed(ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType != ConnectionType.Interactive || e.EndPoint is null)
        {
            return;
        }

        var endPoint = RedisEndPointFormatter.Format(e.EndPoint);
        lock (_lock)
        {
            // Only a master's death moves slots; the poll runs until a replica has taken all of them over.
            if (!_slotOwners.Owns(endPoint) || !_lostMasters.Add(endPoint) || _topologyTimer is not null)
            {
                return;
            }

            _topologyTimer = _timeProvider.CreateTimer(_ => PollTopology(), null, TopologyPollInterval, TopologyPollInterval);
        }
    }

    private void OnClusterConnectionRestored(ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Interactive && e.EndPoint is not null)
        {
            // A master back before any replica took over (a quick restart) ends the wait.
            var endPoint = RedisEndPointFormatter.Format(e.EndPoint);
            lock (_lock)
            {
                _lostMasters.Remove(endPoint);
                StopTopologyPollIfDone();
            }
        }

        RefreshTopologyInBackground(preferred: null, reconfigure: false);
    }

    private void PollTopology()
    {
        // A look at the cluster can outlast the interval (a hung node answers only at its timeout): skip, don't queue.
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

    /// <param name="preferred">The server whose view to read first (the one a MOVED pointed to), or null.</param>
    /// <param name="reconfigure">
    /// Whether to have StackExchange.Redis read the cluster again first. Its view (<see cref="IServer.ClusterConfiguration"/>)
    /// is only as new as its last look, and after a takeover it may route the dead master's slots nowhere until it looks again.
    /// </param>
    /// <param name="isStillNews">Checked under the lock once this refresh's turn comes; false skips it.</param>
    private async Task RefreshTopologyAsync(EndPoint? preferred, bool reconfigure, Func<bool>? isStillNews)
    {
        var multiplexer = _multiplexer;
        if (multiplexer is null)
        {
            return;
        }

        IReadOnlyList<RedisClusterSlotMove> moves;
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
                await multiplexer.ConfigureAsync();
            }

            var configuration = ReadTopology(multiplexer, preferred);
            if (configuration is null)
            {
                return;
            }

            var snapshot = configuration.Nodes
                .Where(node => !node.IsReplica && node.EndPoint is not null)
                .SelectMany(node => node.Slots.Select(range => new RedisClusterSlotRange(range.From, range.To, RedisEndPointFormatter.Format(node.EndPoint!))))
                .ToList();
            lock (_lock)
            {
                moves = _slotOwners.Apply(snapshot);
                _lostMasters.RemoveWhere(endPoint => !_slotOwners.Owns(endPoint));

                // StackExchange.Redis may route a moved slot to its new owner while it still takes that node for a
                // replica, and refuses to write there; the poll goes on until it has seen the promotion too.
                _promotedReplicas.UnionWith(moves.Select(move => move.NewOwner));
                _promotedReplicas.RemoveWhere(endPoint => !IsKnownAsReplica(multiplexer, endPoint));
                StopTopologyPollIfDone();
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
    }

    /// <summary>
    /// The cluster as StackExchange.Redis last read it (<c>CLUSTER NODES</c> needs admin mode to send ourselves), from
    /// <paramref name="preferred"/> if connected, else from a connected master, else from any connected node.
    /// </summary>
    /// <summary>
    /// The cluster as most nodes see it. Each node's view is as old as its last answer, and a hung master still looks
    /// connected while its own view is from before it hung; the nodes that answer agree on the takeover.
    /// </summary>
    private ClusterConfiguration? ReadTopology(IConnectionMultiplexer multiplexer, EndPoint? preferred)
    {
        string[] lost;
        lock (_lock)
        {
            lost = [.. _lostMasters];
        }

        var views = multiplexer.GetServers()
            .Where(server => server.IsConnected && !lost.Contains(RedisEndPointFormatter.Format(server.EndPoint)))
            .OrderByDescending(server => preferred is not null && server.EndPoint.Equals(preferred))
            .ThenBy(server => server.IsReplica)
            .Select(server => server.ClusterConfiguration)
            .OfType<ClusterConfiguration>()
            .ToList();
        return views
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

    /// <summary>Called under <c>_lock</c>.</summary>
    private void StopTopologyPollIfDone()
    {
        if (_lostMasters.Count == 0 && _promotedReplicas.Count == 0)
        {
            _topologyTimer?.Dispose();
            _topologyTimer = null;
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
}
