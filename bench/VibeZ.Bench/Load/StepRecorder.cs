using HdrHistogram;

namespace VibeZ.Bench.Load;

/// <summary>
/// What the subscribers saw during one step: every delivery of the step counts, and the ones sent in the measured
/// window (after the warm-up) go into the latency histogram, measured from the intended send time.
/// </summary>
internal sealed class StepRecorder(int step, long windowStartMicros, long windowEndMicros)
{
    // One hour in microseconds: anything slower is a failure long before.
    private const long HighestLatencyMicros = 3_600_000_000;

    private long _delivered;
    private long _deliveredInWindow;
    private long _outOfOrder;

    public int Step { get; } = step;

    public long WindowStartMicros { get; } = windowStartMicros;

    public long WindowEndMicros { get; } = windowEndMicros;

    public LongConcurrentHistogram Latency { get; } = new(1, HighestLatencyMicros, 3);

    public long Delivered => Interlocked.Read(ref _delivered);

    public long DeliveredInWindow => Interlocked.Read(ref _deliveredInWindow);

    /// <summary>Gets the deliveries whose sequence was not above the last one from the same publisher: duplicates or reordering.</summary>
    public long OutOfOrder => Interlocked.Read(ref _outOfOrder);

    public void Record(in Payload.Fields fields, long arrivedMicros, bool inOrder)
    {
        Interlocked.Increment(ref _delivered);
        if (!inOrder)
        {
            Interlocked.Increment(ref _outOfOrder);
        }

        if (fields.IntendedMicros >= WindowStartMicros && fields.IntendedMicros < WindowEndMicros)
        {
            Interlocked.Increment(ref _deliveredInWindow);
            Latency.RecordValue(Math.Clamp(arrivedMicros - fields.IntendedMicros, 1, HighestLatencyMicros));
        }
    }
}
