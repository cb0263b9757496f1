namespace VibeZ.Bench.Scenarios.Failover;

/// <summary>Turns what the publisher's ledger and the subscribers' logs recorded into one system's figures.</summary>
internal static class FailoverAnalysis
{
    public static FailoverSystemSummary Summarize(
        IFailoverTarget target, PublishLedger.Snapshot ledger, IReadOnlyList<IReadOnlyList<ArrivalLog.Arrival>> arrivals,
        long start, long crashedAt, long end, string masterBefore, string masterAfter, string? publisherEnded)
    {
        var delivered = new List<long>();
        var lostPerSubscriber = new List<long>();
        var lostAnywhere = new SortedSet<long>();
        var latencies = new List<long>();
        long duplicates = 0;
        long reordered = 0;
        long? firstNewDelivery = null;
        foreach (var log in arrivals)
        {
            var seen = new HashSet<long>();
            var highest = -1L;
            foreach (var (sequence, due, arrivedAt) in log)
            {
                if (!seen.Add(sequence))
                {
                    duplicates++;
                    continue;
                }

                if (sequence < highest)
                {
                    reordered++;
                }

                highest = Math.Max(highest, sequence);
                latencies.Add(arrivedAt - due);
                if (ledger.FirstSent.TryGetValue(sequence, out var sentAt) && sentAt >= crashedAt)
                {
                    firstNewDelivery = firstNewDelivery is { } first ? Math.Min(first, arrivedAt) : arrivedAt;
                }
            }

            delivered.Add(seen.Count);
            var lost = ledger.Acked.Keys.Where(s => !seen.Contains(s)).ToList();
            lostPerSubscriber.Add(lost.Count);
            lostAnywhere.UnionWith(lost);
        }

        var acks = ledger.Acked.Values.Order().ToList();
        latencies.Sort();
        return new FailoverSystemSummary
        {
            Name = target.Name,
            Description = target.Description,
            Sent = ledger.FirstSent.Count,
            Resends = ledger.Resends,
            Acked = ledger.Acked.Count,
            Failed = ledger.Failed.Count,
            Unacked = ledger.FirstSent.Count - ledger.Acked.Count - ledger.Failed.Count,
            Errors = ledger.Errors,
            DuplicateAcks = ledger.DuplicateAcks,
            DeliveredPerSubscriber = delivered,
            Lost = lostAnywhere.Count,
            LostPerSubscriber = lostPerSubscriber,
            LostSample = [.. lostAnywhere.Take(20)],
            Duplicates = duplicates,
            Reordered = reordered,
            PublishGapMs = Math.Round(LongestGap(acks, start, end) / 1000.0, 1),
            CrashToFirstAckMs = acks.FirstOrDefault(a => a > crashedAt) is var firstAck and > 0 ? Math.Round((firstAck - crashedAt) / 1000.0, 1) : null,
            CrashToFirstDeliveryMs = firstNewDelivery is { } d ? Math.Round((d - crashedAt) / 1000.0, 1) : null,
            DeliveriesPerSecond = Math.Round(delivered.Sum() / ((end - start) / 1e6), 1),
            P50Ms = Percentile(latencies, 0.50),
            P99Ms = Percentile(latencies, 0.99),
            MasterBefore = masterBefore,
            MasterAfter = masterAfter,
            PublisherEnded = publisherEnded,
        };
    }

    // The longest stretch between start, every ack and the end of sending with no ack in it.
    private static long LongestGap(IReadOnlyList<long> acks, long start, long end)
    {
        var longest = 0L;
        var previous = start;
        foreach (var ack in acks.Where(a => a <= end).Append(end))
        {
            longest = Math.Max(longest, ack - previous);
            previous = Math.Max(previous, ack);
        }

        return longest;
    }

    private static double Percentile(IReadOnlyList<long> sortedMicros, double quantile) =>
        sortedMicros.Count == 0 ? 0 : Math.Round(sortedMicros[Math.Min(sortedMicros.Count - 1, (int)(quantile * sortedMicros.Count))] / 1000.0, 1);
}
