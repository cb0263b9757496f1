using VibeZ.Channels.Storage;

namespace VibeZ.Gateway.Tests.Channels.Storage.Contract;

/// <summary>The contract's epochs: rollbacks an append notices, restarts a reader asks for, and pending commits.</summary>
public abstract partial class ChannelStoreContractTests
{
    [Fact]
    public async Task RestartingTheRolledBackEpochStartsOneEmptyEpochHoweverManyAskForIt()
    {
        var channel = NewChannel();
        var old = await PublishAsync(channel, Message(channel, "a"), Message(channel, "b"));

        var restarted = await Store.RestartEpochAsync(channel, old.Epoch, Cancel);
        var again = await Store.RestartEpochAsync(channel, old.Epoch, Cancel);
        var history = await ReadAllAsync(channel);

        Assert.NotEmpty(restarted);
        Assert.NotEqual(old.Epoch, restarted);
        Assert.Equal(restarted, again);
        Assert.Equal((new ChannelPosition(restarted, 0), 0L), (history.Position, history.Appended));
        Assert.Empty(history.Messages);

        var next = await PublishAsync(channel, Message(channel, "c"));
        Assert.Equal((restarted, 1L), (next.Epoch, next.LastOffset));
    }

    [Fact]
    public async Task RestartingAnEpochTheChannelIsNotInChangesNothing()
    {
        var (channel, unknown) = (NewChannel(), NewChannel());
        var appended = await PublishAsync(channel, Message(channel, "a"));

        Assert.Equal(appended.Epoch, await Store.RestartEpochAsync(channel, "another-epoch", Cancel));
        Assert.Equal(string.Empty, await Store.RestartEpochAsync(unknown, "another-epoch", Cancel));
        var history = await ReadAllAsync(channel);
        Assert.Equal([1L], Offsets(history));
        Assert.Equal(new ChannelPosition(string.Empty, 0), (await ReadAllAsync(unknown)).Position);
    }

    [Fact]
    public async Task AnIdPublishedInAnEarlierEpochIsANewMessageInTheNextOne()
    {
        var channel = NewChannel();
        var old = await PublishAsync(channel, Message(channel, "a"), Message(channel, "b"));
        await Store.RestartEpochAsync(channel, old.Epoch, Cancel);

        var appended = await PublishAsync(channel, Message(channel, "b"));

        Assert.NotEqual(old.Epoch, appended.Epoch);
        Assert.Equal([1L], appended.Offsets);
        Assert.Equal([AppendStatus.Appended], appended.Statuses);
    }

    [Fact]
    public async Task AnAppendThatKnowsAnOffsetBeyondTheCounterStartsANewEpochAtOne()
    {
        var channel = NewChannel();
        var old = await PublishAsync(channel, Message(channel, "a"), Message(channel, "b"));

        var appended = await Store.AppendAsync(channel, [Message(channel, "c")], new ChannelMark(new ChannelPosition(old.Epoch, 3), "5:alice:lost"), Cancel);
        Assert.True(await Store.CommitAsync(appended, Cancel), "The commit in the new epoch asked to append again.");

        Assert.NotEqual(old.Epoch, appended.Epoch);
        Assert.Equal([1L], appended.Offsets);
        var history = await ReadAllAsync(channel);
        Assert.Equal(new ChannelPosition(appended.Epoch, 1), history.Position);
        Assert.Equal(["5:alice:c"], history.Messages.Select(m => m.Id));
    }

    [Fact]
    public async Task AnAppendThatKnowsAnotherMessageAtItsOffsetStartsANewEpoch()
    {
        var channel = NewChannel();
        var old = await PublishAsync(channel, Message(channel, "a"), Message(channel, "b"));

        var appended = await Store.AppendAsync(channel, [Message(channel, "c")], new ChannelMark(new ChannelPosition(old.Epoch, 2), "5:alice:other"), Cancel);

        Assert.NotEqual(old.Epoch, appended.Epoch);
        Assert.Equal([1L], appended.Offsets);
    }

    [Fact]
    public async Task AnAppendThatKnowsTheChannelAsItIsOrAnotherEpochContinuesTheEpoch()
    {
        var channel = NewChannel();
        var old = await PublishAsync(channel, Message(channel, "a"), Message(channel, "b"));

        var matching = await Store.AppendAsync(channel, [Message(channel, "c")], new ChannelMark(new ChannelPosition(old.Epoch, 2), "5:alice:b"), Cancel);
        var withoutId = await Store.AppendAsync(channel, [Message(channel, "d")], new ChannelMark(new ChannelPosition(old.Epoch, 3), null), Cancel);
        var elsewhere = await Store.AppendAsync(channel, [Message(channel, "e")], new ChannelMark(new ChannelPosition("another-epoch", 9), "5:alice:x"), Cancel);

        Assert.Equal([old.Epoch], new[] { matching, withoutId, elsewhere }.Select(a => a.Epoch).Distinct());
        Assert.Equal([3L, 4, 5], new[] { matching, withoutId, elsewhere }.Select(a => a.LastOffset));
    }

    [Fact]
    public async Task AMessageAppendedBeforeItsEpochWasRestartedNeverShowsInTheNewEpoch()
    {
        var channel = NewChannel();
        var old = await PublishAsync(channel, Message(channel, "a"));
        var appended = await Store.AppendAsync(channel, [Message(channel, "b")], known: null, Cancel);

        var restarted = await Store.RestartEpochAsync(channel, old.Epoch, Cancel);

        // A store may have committed the batch at append time (a single server), or answer that it must be appended
        // again; either way the new epoch does not hold it.
        await Store.CommitAsync(appended, Cancel);
        var history = await ReadAllAsync(channel);
        Assert.Equal((new ChannelPosition(restarted, 0), 0L), (history.Position, history.Appended));
        Assert.Empty(history.Messages);
    }

    [Fact]
    public async Task CommittingPendingMessagesOfACommittedChannelOrOfAnotherEpochChangesNothing()
    {
        var channel = NewChannel();
        var appended = await PublishAsync(channel, Message(channel, "a"), Message(channel, "b"));
        var before = await ReadAllAsync(channel);

        await Store.CommitPendingAsync(channel, appended.Epoch, Cancel);
        await Store.CommitPendingAsync(channel, "another-epoch", Cancel);

        var after = await ReadAllAsync(channel);
        Assert.Equal((before.Position, before.Appended), (after.Position, after.Appended));
        Assert.Equal(before.Messages.Select(Text), after.Messages.Select(Text));
    }
}
