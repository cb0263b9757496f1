namespace VibeZ.Gateway.Tests.Channels.Storage.Contract;

/// <summary>The contract's reads: history pages, heads and inspections.</summary>
public abstract partial class ChannelStoreContractTests
{
    [Fact]
    public async Task AChannelNeverPublishedToReadsAsAnEmptyEpochEverywhereAndReadingDoesNotCreateIt()
    {
        var channel = NewChannel();
        var empty = new ChannelPosition(string.Empty, 0);

        var read = await Store.ReadAsync(channel, new ChannelMark(new ChannelPosition("gone", 3), "3:x"), limit: 10, Cancel);
        var head = (await Store.ReadHeadsAsync([(channel, Origin)], Cancel)).Single();
        var inspected = await Store.InspectAsync(channel, new ChannelMark(new ChannelPosition("gone", 3), "3:x"), Cancel);

        Assert.Equal((empty, 0L, 0, (ChannelMark?)null), (read.Position, read.Appended, read.Messages.Count, read.Anchor));
        Assert.Equal((empty, 0L, 0, (ChannelMark?)null), (head.Position, head.Appended, head.Messages.Count, head.Anchor));
        Assert.Equal((empty, 0L, 0, (ChannelMark?)null), (inspected.Position, inspected.Appended, inspected.Messages.Count, inspected.Anchor));
        Assert.Equal(empty, (await ReadAllAsync(channel)).Position);
    }

    [Fact]
    public async Task AReadReturnsAtMostLimitMessagesAfterTheReadersOffsetWithTheMessageAtItAsAnchor()
    {
        var channel = NewChannel();
        await PublishAsync(channel, [.. Enumerable.Range(1, 5).Select(i => Message(channel, $"m{i}"))]);
        var all = await ReadAllAsync(channel);
        var epoch = all.Position.Epoch;

        var page = await Store.ReadAsync(channel, all.Messages[0].Mark, limit: 2, Cancel);
        var rest = await Store.ReadAsync(channel, page.Messages[^1].Mark, limit: 10, Cancel);

        Assert.Equal([2L, 3], Offsets(page));
        Assert.Equal(all.Messages[0].Mark, page.Anchor);
        Assert.True(page.Partial, "A page that ended at its limit before the committed offset did not say so.");
        Assert.True(page.ContinuesFrom(1));
        Assert.Equal([4L, 5], Offsets(rest));
        Assert.Equal(new ChannelMark(new ChannelPosition(epoch, 3), "5:alice:m3"), rest.Anchor);
        Assert.False(rest.Partial, "A page that reached the committed offset said more follows.");
        Assert.Equal(all.Messages.Skip(3).Select(Text), rest.Messages.Select(Text));
    }

    [Fact]
    public async Task AReadWithLimitZeroReadsThePositionAndTheAnchorOnly()
    {
        var channel = NewChannel();
        var appended = await PublishAsync(channel, Message(channel, "a"), Message(channel, "b"), Message(channel, "c"));

        var head = await Store.ReadAsync(channel, new ChannelMark(new ChannelPosition(appended.Epoch, 2), null), limit: 0, Cancel);

        Assert.Equal((new ChannelPosition(appended.Epoch, 3), 3L), (head.Position, head.Appended));
        Assert.Empty(head.Messages);
        Assert.Equal(new ChannelMark(new ChannelPosition(appended.Epoch, 2), "5:alice:b"), head.Anchor);
    }

    [Fact]
    public async Task AReaderAtTheCommittedOffsetGetsNoMessagesAndAFullPage()
    {
        var channel = NewChannel();
        await PublishAsync(channel, Message(channel, "a"), Message(channel, "b"));
        var last = (await ReadAllAsync(channel)).Messages[^1];

        var page = await Store.ReadAsync(channel, last.Mark, limit: 10, Cancel);

        Assert.Empty(page.Messages);
        Assert.Equal(last.Mark, page.Anchor);
        Assert.False(page.Partial);
        Assert.True(page.ContinuesFrom(2));
    }

    [Fact]
    public async Task AReaderInAnotherEpochGetsTheCurrentPositionWithoutMessagesOrAnchor()
    {
        var channel = NewChannel();
        var appended = await PublishAsync(channel, Message(channel, "a"), Message(channel, "b"));

        var page = await Store.ReadAsync(channel, new ChannelMark(new ChannelPosition("another-epoch", 1), "5:alice:a"), limit: 10, Cancel);

        Assert.Equal((new ChannelPosition(appended.Epoch, 2), 2L), (page.Position, page.Appended));
        Assert.Empty(page.Messages);
        Assert.Null(page.Anchor);
    }

    [Fact]
    public async Task AReaderAheadOfTheCounterFindsTheHistoryRolledBackPastIt()
    {
        var channel = NewChannel();
        var appended = await PublishAsync(channel, Message(channel, "a"), Message(channel, "b"));
        var ahead = new ChannelMark(new ChannelPosition(appended.Epoch, 5), "5:alice:e");

        var page = await Store.ReadAsync(channel, ahead, limit: 10, Cancel);

        Assert.Empty(page.Messages);
        Assert.Null(page.Anchor);
        Assert.True(page.RolledBackPast(ahead), $"A history at {page.Position} (counter {page.Appended}) did not contradict a reader at offset 5.");
    }

    [Fact]
    public async Task AReaderThatHoldsAnotherMessageAtItsOffsetFindsTheHistoryRolledBackPastIt()
    {
        var channel = NewChannel();
        var appended = await PublishAsync(channel, Message(channel, "a"), Message(channel, "b"));
        var other = new ChannelMark(new ChannelPosition(appended.Epoch, 2), "5:alice:z");

        var page = await Store.ReadAsync(channel, other, limit: 10, Cancel);

        Assert.Equal(new ChannelMark(other.Position, "5:alice:b"), page.Anchor);
        Assert.True(page.RolledBackPast(other), "A history with another message at the reader's offset did not contradict it.");
    }

    [Fact]
    public async Task ReadHeadsAnswersOneHeadPerChannelInTheOrderAskedWithoutMessages()
    {
        var (busy, quiet, unknown) = (NewChannel(), NewChannel(), NewChannel());
        var appended = await PublishAsync(busy, Message(busy, "a"), Message(busy, "b"), Message(busy, "c"));
        var quietAppended = await PublishAsync(quiet, Message(quiet, "x"));

        var heads = await Store.ReadHeadsAsync(
            [
                (busy, new ChannelMark(new ChannelPosition(appended.Epoch, 2), "5:alice:b")),
                (unknown, Origin),
                (quiet, new ChannelMark(new ChannelPosition("another-epoch", 1), "5:alice:x")),
                (busy, new ChannelMark(new ChannelPosition(appended.Epoch, 0), null)),
            ],
            Cancel);

        Assert.Equal(
            [
                (new ChannelPosition(appended.Epoch, 3), 3L, (ChannelMark?)new ChannelMark(new ChannelPosition(appended.Epoch, 2), "5:alice:b")),
                (new ChannelPosition(string.Empty, 0), 0L, null),
                (new ChannelPosition(quietAppended.Epoch, 1), 1L, null),
                (new ChannelPosition(appended.Epoch, 3), 3L, null),
            ],
            heads.Select(h => (h.Position, h.Appended, h.Anchor)));
        Assert.All(heads, head => Assert.Empty(head.Messages));
    }

    [Fact]
    public async Task InspectTellsThePositionTheCounterAndTheMessageAtTheMarksOffsetInItsEpoch()
    {
        var channel = NewChannel();
        var appended = await PublishAsync(channel, Message(channel, "a"), Message(channel, "b"));

        var there = await Store.InspectAsync(channel, new ChannelMark(new ChannelPosition(appended.Epoch, 1), "5:alice:z"), Cancel);
        var beyond = await Store.InspectAsync(channel, new ChannelMark(new ChannelPosition(appended.Epoch, 9), null), Cancel);
        var elsewhere = await Store.InspectAsync(channel, new ChannelMark(new ChannelPosition("another-epoch", 1), "5:alice:a"), Cancel);

        Assert.Equal((new ChannelPosition(appended.Epoch, 2), 2L), (there.Position, there.Appended));
        Assert.Empty(there.Messages);
        Assert.Equal(new ChannelMark(new ChannelPosition(appended.Epoch, 1), "5:alice:a"), there.Anchor);
        Assert.Equal((new ChannelPosition(appended.Epoch, 2), 2L, (ChannelMark?)null), (beyond.Position, beyond.Appended, beyond.Anchor));
        Assert.Equal((new ChannelPosition(appended.Epoch, 2), 2L, (ChannelMark?)null), (elsewhere.Position, elsewhere.Appended, elsewhere.Anchor));
    }
}
