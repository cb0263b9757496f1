using StackExchange.Redis;
using VibeZ.Redis.Configuration;
using VibeZ.Redis.Connection;

namespace VibeZ.Redis.Cluster;

/// <summary>Lost and restored nodes: which outages leave slots unserved, and when every slot has an owner again.</summary>
internal sealed partial class RedisClusterSlotTracker
{
    // Nodes whose interactive connection is down: the state is reported on the first failure of an outage only.
    private readonly HashSet<string> _down = [];

    /// <summary>
    /// Nodes that did not answer at connect failed before anyone listened. Nothing is known of the slots yet, so
    /// each of them counts as a node that serves some.
    /// </summary>
    private void ReportNodesDownAtConnect(IConnectionMultiplexer multiplexer)
    {
        var meaning = RedisFailureMeaning.Describe(ConnectionFailureType.UnableToConnect, exception: null);
        foreach (var endPoint in multiplexer.GetEndPoints().Where(endPoint => !multiplexer.GetServer(endPoint).IsConnected).Select(RedisEndPointFormatter.Format))
        {
            lock (_lock)
            {
                _down.Add(endPoint);
            }

            Guard(() => ReportReconnecting(endPoint, meaning));
        }
    }

    private void OnClusterConnectionFailed(ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType != ConnectionType.Interactive || e.EndPoint is null)
        {
            return;
        }

        var endPoint = RedisEndPointFormatter.Format(e.EndPoint);
        bool first;
        lock (_lock)
        {
            first = _down.Add(endPoint);

            // Only a master's death moves slots; the poll runs until a replica has taken all of them over.
            if (_slotOwners.Owns(endPoint) && _lostMasters.Add(endPoint))
            {
                StartTopologyPoll();
            }
        }

        if (first)
        {
            ReportReconnecting(endPoint, RedisFailureMeaning.Describe(e.FailureType, e.Exception));
        }
    }

    /// <summary>Reports an outage of <paramref name="endPoint"/> if it leaves slots without a reachable owner.</summary>
    private void ReportReconnecting(string endPoint, string meaning)
    {
        // A replica, or an old master the cluster failed over, can be down while every slot is served. Before the first
        // look at the cluster nothing is known, so every node counts.
        bool serves;
        lock (_lock)
        {
            serves = !_slotOwners.IsKnown || _slotOwners.Owns(endPoint);
        }

        if (serves)
        {
            state.Report(RedisConnectionStatus.Reconnecting, endPoint, $"Redis reconnecting to {endPoint}: {meaning}");
        }
    }

    private void OnClusterConnectionRestored(ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Interactive && e.EndPoint is not null)
        {
            // A master back before any replica took over (a quick restart) ends the wait; a retired node that answers
            // again is dialed on the schedule again.
            var endPoint = RedisEndPointFormatter.Format(e.EndPoint);
            dialGate.Restore(endPoint);
            bool whole;
            lock (_lock)
            {
                _down.Remove(endPoint);
                _lostMasters.Remove(endPoint);
                whole = _lostMasters.Count == 0;
                StopTopologyPollIfDone();
            }

            if (whole)
            {
                state.ReportRestored(endPoint, $"Redis connected to {endPoint} again; every slot has a reachable owner");
            }
        }

        RefreshTopologyInBackground(preferred: null, reconfigure: false);
    }
}
