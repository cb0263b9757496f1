using VibeZ.Channels.Storage;

namespace VibeZ.Gateway.Tests.Channels.Storage;

/// <summary>
/// The arithmetic that bounds a history page in bytes: every Redis read asks for only as many entries as fit the
/// page's remaining bytes at the largest entry size, so neither one reply nor the page can grow past the bound.
/// </summary>
public sealed class HistoryPageBudgetTests
{
    // 1 MiB at 64 KiB + 4 KiB per entry: 15 entries fit.
    private static readonly HistoryPageBudget Defaults = new(300, 1024 * 1024, (64 * 1024) + 4096);

    [Fact]
    public void TheFirstReadAsksForAsManyLargestEntriesAsFitThePage() => Assert.Equal(15, Defaults.NextChunk(0, 0, anchored: false));

    [Fact]
    public void AnAnchorTakesTheRoomOfOneEntry() => Assert.Equal(14, Defaults.NextChunk(0, 0, anchored: true));

    [Fact]
    public void AReadNeverAsksForMoreThanThePageStillHoldsInMessages() => Assert.Equal(3, Defaults.NextChunk(297, 300, anchored: true));

    [Fact]
    public void WhatWasSentLeavesRoomForFewerEntries() => Assert.Equal(9, Defaults.NextChunk(5, 5 * 69632, anchored: true));

    [Fact]
    public void APageEndsWhenTheNextEntryMightNotFitOrItHoldsItsCount()
    {
        Assert.Equal(0, Defaults.NextChunk(14, (1024 * 1024) - 69632, anchored: true));
        Assert.Equal(0, Defaults.NextChunk(300, 0, anchored: true));
        Assert.Equal(0, Defaults.NextChunk(20, 2 * 1024 * 1024, anchored: true));
    }

    [Fact]
    public void AnEmptyPageAlwaysAsksForOneMessageSoAReaderCanPassTheLargestOne() =>
        Assert.Equal(1, new HistoryPageBudget(300, 1000, 69632).NextChunk(0, 0, anchored: true));

    [Fact]
    public void APositionOnlyReadAsksForNoMessages() => Assert.Equal(0, new HistoryPageBudget(0, 1024 * 1024, 69632).NextChunk(0, 0, anchored: true));

    [Fact]
    public void ChunksAskedOneAfterAnotherAtWorstCaseSizeNeverSumPastThePage()
    {
        var budget = new HistoryPageBudget(10_000, 1024 * 1024, 69632);
        long sent = 0;
        var taken = 0;
        var reads = 0;
        for (var asked = budget.NextChunk(0, 0, anchored: true); asked > 0; asked = budget.NextChunk(taken, sent, anchored: true))
        {
            // Every entry as large as it may be, the anchor included.
            sent += (asked + 1) * 69632L;
            taken += asked;
            reads++;
        }

        Assert.True(sent <= 1024 * 1024, $"{reads} reads sent {sent} bytes");
        Assert.Equal(14, taken);
    }
}
