namespace VibeZ.Redis.Cluster;

/// <summary>
/// Which master the process last knew to own each hash slot, learned from MOVED replies and from topology snapshots
/// alike, so a change is reported once whichever way it was learned first. Not thread-safe; callers lock.
/// </summary>
internal sealed class RedisClusterSlotOwners
{
    public const int SlotCount = 16384;

    private readonly string?[] _owners = new string?[SlotCount];

    public string? OwnerOf(int slot) => _owners[slot];

    /// <summary>Gets a value indicating whether any slot's owner is known yet.</summary>
    public bool IsKnown { get; private set; }

    /// <summary>True when <paramref name="endPoint"/> owns at least one slot.</summary>
    public bool Owns(string endPoint) => Array.IndexOf(_owners, endPoint) >= 0;

    /// <summary>Records that <paramref name="slot"/> is served by <paramref name="newOwner"/>; false when that was known.</summary>
    public bool Move(int slot, string newOwner)
    {
        if (_owners[slot] == newOwner)
        {
            return false;
        }

        _owners[slot] = newOwner;
        IsKnown = true;
        return true;
    }

    /// <summary>
    /// Takes in a topology snapshot and returns what it changed, one entry per contiguous run of slots that went from
    /// the same old owner to the same new one. Slots seen for the first time are learned without being reported (that
    /// is the initial topology, not a move); slots the snapshot does not cover keep their owner, because a node that
    /// failed before its replica took over still owns its slots until the cluster says otherwise.
    /// </summary>
    public IReadOnlyList<RedisClusterSlotMove> Apply(IEnumerable<RedisClusterSlotRange> snapshot)
    {
        var next = (string?[])_owners.Clone();
        foreach (var range in snapshot)
        {
            for (var slot = Math.Max(range.From, 0); slot <= Math.Min(range.To, SlotCount - 1); slot++)
            {
                next[slot] = range.Owner;
            }
        }

        var moves = new List<RedisClusterSlotMove>();
        RedisClusterSlotMove? current = null;
        for (var slot = 0; slot < SlotCount; slot++)
        {
            var old = _owners[slot];
            var now = next[slot];
            var moved = old is not null && now is not null && old != now;
            if (current is { } run && moved && run.To == slot - 1 && run.OldOwner == old && run.NewOwner == now)
            {
                current = run with { To = slot };
                continue;
            }

            if (current is { } finished)
            {
                moves.Add(finished);
                current = null;
            }

            if (moved)
            {
                current = new RedisClusterSlotMove(slot, slot, old!, now!);
            }
        }

        if (current is { } last)
        {
            moves.Add(last);
        }

        Array.Copy(next, _owners, SlotCount);
        IsKnown |= Array.Exists(_owners, owner => owner is not null);
        return moves;
    }
}
