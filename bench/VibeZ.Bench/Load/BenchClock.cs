using System.Diagnostics;

namespace VibeZ.Bench.Load;

/// <summary>
/// The one clock every timestamp comes from: publishers and subscribers live in this process, so a payload's send time
/// and its arrival are read from the same monotonic counter, in microseconds since the harness started.
/// </summary>
internal static class BenchClock
{
    private static readonly long Epoch = Stopwatch.GetTimestamp();

    public static long NowMicros => Stopwatch.GetElapsedTime(Epoch).Ticks / (TimeSpan.TicksPerMillisecond / 1000);
}
