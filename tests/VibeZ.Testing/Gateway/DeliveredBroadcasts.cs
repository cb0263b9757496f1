namespace VibeZ.Testing.Gateway;

/// <summary>
/// What a channel shows of scheduled broadcasts, against what the Gateway accepted: the accepted ones never seen
/// (lost), ids seen more than once, places where the offsets are not 1..N without a gap, and how many epochs.
/// </summary>
public sealed record DeliveredBroadcasts(IReadOnlyList<string> Lost, IReadOnlyList<string> Duplicates, IReadOnlyList<string> OffsetGaps, int Epochs, int Distinct)
{
    /// <summary>Compares the channel's <paramref name="messages"/>, in the order they came, with the <paramref name="accepted"/> ids.</summary>
    public static DeliveredBroadcasts Check(IReadOnlySet<string> accepted, IReadOnlyList<(string Id, long Offset, string Epoch)> messages)
    {
        var ids = messages.Select(m => m.Id).ToList();
        return new DeliveredBroadcasts(
            [.. accepted.Except(ids).Order()],
            [.. ids.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key)],
            [.. messages.Select((m, i) => (m.Offset, Expected: i + 1L)).Where(p => p.Offset != p.Expected).Take(5).Select(p => $"#{p.Expected} is {p.Offset}")],
            messages.Select(m => m.Epoch).Distinct().Count(),
            ids.Distinct().Count());
    }

    /// <summary>One line for the test's output: how many were accepted, delivered, lost and duplicated.</summary>
    public string Summary(int accepted) => $"{accepted} accepted, {Distinct} delivered, {Lost.Count} lost, {Duplicates.Count} duplicated";
}
