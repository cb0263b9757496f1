namespace VibeZ.ServiceDefaults.Redis;

/// <summary>Cluster slot ownership changes, logged once per change rather than once per redirected command.</summary>
internal sealed partial class RedisConnectionEvents
{
    private readonly Dictionary<int, string> _slotOwners = [];

    internal void OnHashSlotMoved(StackExchange.Redis.HashSlotMovedEventArgs e)
    {
        var newEndPoint = RedisEndPointFormatter.Format(e.NewEndPoint);
        var oldEndPoint = e.OldEndPoint is null ? "(unknown)" : RedisEndPointFormatter.Format(e.OldEndPoint);
        lock (_lock)
        {
            // Commands already in flight when the slot moved are redirected too; their MOVED says nothing new.
            if (_slotOwners.TryGetValue(e.HashSlot, out var owner) && owner == newEndPoint)
            {
                return;
            }

            _slotOwners[e.HashSlot] = newEndPoint;
        }

        RedisLog.ClusterSlotMoved(_logger, e.HashSlot, oldEndPoint, newEndPoint);
    }
}
