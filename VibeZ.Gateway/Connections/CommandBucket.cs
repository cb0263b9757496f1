namespace VibeZ.Gateway.Connections;

/// <summary>
/// A connection's token bucket for <c>Gateway:CommandsPerSecond</c> and <c>Gateway:CommandBurst</c>: full at first,
/// refilled by <paramref name="perSecond"/> tokens at each whole second since it was made, never past
/// <paramref name="burst"/>. The refill is worked out from the clock when a frame takes a token, so the bucket has no
/// timer: ten thousand connections cost ten thousand small objects, not ten thousand timers firing every second.
/// </summary>
/// <remarks>Used by the receive loop alone, one frame at a time, so it takes no lock.</remarks>
internal sealed class CommandBucket(int burst, int perSecond, TimeProvider time)
{
    private long _tokens = burst;
    private long _refilled = time.GetTimestamp();

    /// <summary>Takes a token if one is left.</summary>
    public bool TryTake()
    {
        var second = time.TimestampFrequency;
        var seconds = (time.GetTimestamp() - _refilled) / second;
        if (seconds > 0)
        {
            // Capped before multiplying: a bucket left alone for years must not overflow its refill.
            _tokens = Math.Min(burst, _tokens + (Math.Min(seconds, burst) * perSecond));
            _refilled += seconds * second;
        }

        if (_tokens == 0)
        {
            return false;
        }

        _tokens--;
        return true;
    }
}
