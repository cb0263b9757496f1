namespace VibeZ.Channels.Delivery;

/// <summary>
/// The highest position this process acked or delivered on each channel and the message there, for at most
/// <c>capacity</c> channels: the least recently used is forgotten first, and any mark not used for a while can be
/// forgotten with <see cref="ForgetOlderThan"/>. Safe to use from any thread.
/// </summary>
/// <remarks>
/// Hand-written rather than BitFaster.Caching's <c>ConcurrentLru</c>: an observed mark replaces the stored one only
/// when it is higher in the same epoch or from another epoch, which needs the read and the write in one step, and
/// time comes from the injected <see cref="TimeProvider"/>. One lock is enough: every operation is a dictionary
/// look-up and a list splice, far cheaper than the Redis round trip each of them accompanies.
/// </remarks>
internal sealed class KnownMarks
{
    private readonly int _capacity;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);

    // Most recently used first.
    private readonly LinkedList<Entry> _order = new();

    /// <summary>Creates an empty set of marks that holds at most <paramref name="capacity"/> channels.</summary>
    public KnownMarks(int capacity, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _timeProvider = timeProvider;
    }

    /// <summary>Gets how many channels have a mark.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Gets the mark of <paramref name="channel"/>, or null if none is known (never was, or forgotten); a hit counts as a use.</summary>
    public ChannelMark? Get(string channel)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(channel, out var node))
            {
                return null;
            }

            Touch(node);
            return node.Value.Mark;
        }
    }

    /// <summary>
    /// Records an acked or delivered message: the highest of an epoch is kept, and a new epoch replaces the old. When
    /// that makes one channel too many, the least recently used channel's mark is forgotten.
    /// </summary>
    /// <returns>The channel whose mark was forgotten to make room, or null.</returns>
    public string? Observe(string channel, ChannelMark mark)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(channel, out var node))
            {
                var known = node.Value.Mark;
                if (known.Epoch != mark.Epoch || known.Offset < mark.Offset)
                {
                    node.Value.Mark = mark;
                }

                Touch(node);
                return null;
            }

            _entries.Add(channel, _order.AddFirst(new Entry(channel, mark, _timeProvider.GetTimestamp())));
            if (_entries.Count <= _capacity)
            {
                return null;
            }

            var oldest = _order.Last!;
            _order.RemoveLast();
            _entries.Remove(oldest.Value.Channel);
            return oldest.Value.Channel;
        }
    }

    /// <summary>Forgets every mark not used for longer than <paramref name="age"/>.</summary>
    /// <returns>How many were forgotten.</returns>
    public int ForgetOlderThan(TimeSpan age)
    {
        lock (_lock)
        {
            // The list is in order of use, so the ones to forget are all at its end.
            var forgotten = 0;
            while (_order.Last is { } oldest && _timeProvider.GetElapsedTime(oldest.Value.Touched) > age)
            {
                _order.RemoveLast();
                _entries.Remove(oldest.Value.Channel);
                forgotten++;
            }

            return forgotten;
        }
    }

    private void Touch(LinkedListNode<Entry> node)
    {
        node.Value.Touched = _timeProvider.GetTimestamp();
        if (node != _order.First)
        {
            _order.Remove(node);
            _order.AddFirst(node);
        }
    }

    private sealed class Entry(string channel, ChannelMark mark, long touched)
    {
        public string Channel { get; } = channel;

        public ChannelMark Mark { get; set; } = mark;

        public long Touched { get; set; } = touched;
    }
}
