namespace VibeZ.Testing.Gateway;

/// <summary>
/// Broadcasts scheduled to fall due around a crash: <c>count</c> of them, spread evenly from
/// <see cref="DueBeforeCrash"/> before <see cref="CrashAt"/> to <see cref="DueAfterCrash"/> after it, all accepted
/// before the first falls due. The broadcast failover tests (sentinel and cluster) share this schedule.
/// </summary>
public sealed class BroadcastsAroundCrash
{
    /// <summary>How long before the crash the first broadcast falls due.</summary>
    public static readonly TimeSpan DueBeforeCrash = TimeSpan.FromSeconds(1);

    /// <summary>How long after the crash the last broadcast falls due.</summary>
    public static readonly TimeSpan DueAfterCrash = TimeSpan.FromSeconds(3);

    private BroadcastsAroundCrash(DateTimeOffset crashAt, IReadOnlySet<string> accepted)
    {
        CrashAt = crashAt;
        Accepted = accepted;
    }

    /// <summary>When the test should crash the master: <see cref="DueBeforeCrash"/> after the first broadcast falls due.</summary>
    public DateTimeOffset CrashAt { get; }

    /// <summary>The ids the Gateway accepted (<c>202</c>): all of them.</summary>
    public IReadOnlySet<string> Accepted { get; }

    /// <summary>
    /// POSTs <paramref name="count"/> broadcasts (ids <paramref name="idPrefix"/>-001 …) into <paramref name="channel"/>
    /// through <paramref name="gateway"/>, the first due <paramref name="schedulingBudget"/> from now. Throws, naming what
    /// went wrong, if any POST was refused or the POSTs took past the first broadcast's due time.
    /// </summary>
    public static async Task<BroadcastsAroundCrash> ScheduleAsync(
        HttpClient gateway, string channel, string idPrefix, int count, TimeSpan schedulingBudget, CancellationToken cancellationToken)
    {
        var crashAt = DateTimeOffset.UtcNow + schedulingBudget + DueBeforeCrash;
        var spread = (DueBeforeCrash + DueAfterCrash) / (count - 1);
        var ids = Enumerable.Range(1, count).Select(i => $"{idPrefix}-{i:D3}").ToArray();
        var answers = await ScheduledBroadcasts.ScheduleAsync(gateway, channel, ids, i => crashAt - DueBeforeCrash + spread * i, cancellationToken);

        var accepted = ids.Where(id => answers[id] == "202").ToHashSet();
        var scheduledBy = DateTimeOffset.UtcNow;
        if (accepted.Count != count)
        {
            throw new InvalidOperationException($"{count - accepted.Count} POSTs were refused before the crash: {string.Join("; ", answers.Where(a => a.Value != "202").Take(5))}");
        }

        if (scheduledBy >= crashAt - DueBeforeCrash)
        {
            throw new InvalidOperationException($"scheduling took until {scheduledBy:O}, past the first deliverAt {crashAt - DueBeforeCrash:O}: raise the scheduling budget");
        }

        return new BroadcastsAroundCrash(crashAt, accepted);
    }
}
