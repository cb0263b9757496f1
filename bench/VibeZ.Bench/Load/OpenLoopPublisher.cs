using VibeZ.Bench.Systems;

namespace VibeZ.Bench.Load;

/// <summary>
/// Publishes at a fixed rate whatever the system does (open loop): message <c>i</c> is due at <c>start + i / rate</c>
/// and carries that time, not the time it was actually sent, so a system that makes the publisher wait shows it as
/// latency instead of quietly lowering the rate (no coordinated omission).
/// </summary>
internal static class OpenLoopPublisher
{
    /// <summary>Runs one step; gives up on messages still held back <paramref name="grace"/> after the last one was due.</summary>
    public static async Task<PublishStats> RunAsync(
        IBenchPublisher publisher, int step, long firstSequence, double messagesPerSecond, long startMicros, TimeSpan duration, TimeSpan grace, CancellationToken cancellationToken)
    {
        var intervalMicros = 1_000_000.0 / messagesPerSecond;
        var scheduled = Math.Max(1, (long)(messagesPerSecond * duration.TotalSeconds));
        var giveUpMicros = startMicros + (long)(duration.TotalMilliseconds * 1000) + (long)(grace.TotalMilliseconds * 1000);
        long sent = 0, maxBacklog = 0, creditWaits = 0;
        while (sent < scheduled && publisher.Ended is null && !cancellationToken.IsCancellationRequested)
        {
            var now = BenchClock.NowMicros;
            if (now > giveUpMicros)
            {
                break;
            }

            var due = now < startMicros ? 0 : Math.Min(scheduled, 1 + (long)((now - startMicros) / intervalMicros));
            maxBacklog = Math.Max(maxBacklog, due - sent);
            while (sent < due && publisher.InFlight < publisher.Credits)
            {
                await publisher.SendAsync(startMicros + (long)(sent * intervalMicros), firstSequence + sent, step);
                sent++;
            }

            if (sent < due)
            {
                creditWaits++;
                await Task.Delay(1, CancellationToken.None);
                continue;
            }

            if (sent < scheduled)
            {
                // Sleep rather than spin: two cores are shared with the systems under test. Messages that fall due
                // meanwhile go out together on waking and carry their own due times, so the timer's ~1 ms
                // resolution shows up in every system's latency alike.
                var waitMicros = startMicros + (long)(sent * intervalMicros) - BenchClock.NowMicros;
                await Task.Delay(TimeSpan.FromMicroseconds(Math.Clamp(waitMicros, 1000, 50_000)), CancellationToken.None);
            }
        }

        return new PublishStats(scheduled, sent, maxBacklog, creditWaits);
    }
}
