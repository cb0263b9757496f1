namespace VibeZ.Channels.Storage;

/// <summary>
/// What one history page may still take, and how many entries the next Redis read of it may ask for.
/// </summary>
/// <remarks>
/// Redis builds a reply whole before it sends any of it, and <c>XRANGE</c> bounds a reply in entries, never in bytes.
/// So a page is read in chunks, each asking for only as many entries as fit the page's remaining bytes if every one
/// were as large as a stored entry may be (<see cref="EntryBytes"/>): no reply, and no page, is larger than
/// <see cref="Bytes"/>, however large the messages are. Small messages cost more round trips, not more memory.
/// </remarks>
/// <param name="Messages">The most messages the page holds.</param>
/// <param name="Bytes">The most bytes of entries Redis sends for the page, anchors included.</param>
/// <param name="EntryBytes">The most bytes one stored entry takes in a reply.</param>
internal readonly record struct HistoryPageBudget(int Messages, long Bytes, int EntryBytes)
{
    /// <summary>The budget of a page of at most <paramref name="limit"/> messages, with the configured bytes.</summary>
    public static HistoryPageBudget For(GatewayOptions options, int limit) => new(limit, options.MaxHistoryPageBytes, options.HistoryEntryBytes);

    /// <summary>
    /// How many messages the next read may ask for, besides its anchor; 0 ends the page. The first read asks for one
    /// at least, so that a page never stays empty while messages follow (start-up validation keeps one entry within
    /// the bytes).
    /// </summary>
    /// <param name="taken">Messages the page holds so far.</param>
    /// <param name="sent">Bytes Redis has sent for the page so far.</param>
    /// <param name="anchored">Whether the read also fetches the entry it continues from, to check it is still the same.</param>
    public int NextChunk(int taken, long sent, bool anchored)
    {
        var remaining = Messages - taken;
        if (remaining <= 0)
        {
            return 0;
        }

        var fit = ((Bytes - sent) / EntryBytes) - (anchored ? 1 : 0);
        if (taken == 0)
        {
            fit = Math.Max(fit, 1);
        }

        return (int)Math.Min(remaining, Math.Max(fit, 0));
    }
}
