using VibeZ.Channels.Storage;

namespace VibeZ.Gateway.Tests.Channels.Storage.Contract;

/// <summary>The contract's live feed: subscriptions and the commits they carry.</summary>
public abstract partial class ChannelStoreContractTests
{
    [Fact]
    public async Task ASubscriberGetsEveryCommitInOrderWithTheMarkItContinues()
    {
        var channel = NewChannel();
        var live = new CommitRecorder();
        await using var subscription = await Store.SubscribeAsync(channel, live.Record, Cancel);

        var first = await PublishAsync(channel, Message(channel, "a"));
        await PublishAsync(channel, Message(channel, "b"), Message(channel, "c"));
        var one = await live.NextAsync("the commit of offset 1");
        var two = await live.NextAsync("the commit of offsets 2 and 3");

        var history = (await ReadAllAsync(channel)).Messages;
        Assert.Equal((first.Epoch, 1L, new ChannelMark(new ChannelPosition(first.Epoch, 0), null)), (one.Epoch, one.UpTo, one.Previous));
        Assert.Equal([(1L, "5:alice:a", Text(history[0]))], one.Messages.Select(m => (m.Offset, m.Id, Text(m))));
        Assert.Equal((first.Epoch, 3L, history[0].Mark), (two.Epoch, two.UpTo, two.Previous));
        Assert.Equal(history.Skip(1).Select(m => (m.Epoch, m.Offset, m.Id, Text(m))), two.Messages.Select(m => (m.Epoch, m.Offset, m.Id, Text(m))));
    }

    [Fact]
    public async Task ACommitOfDuplicatesOnlyAnnouncesNothing()
    {
        var channel = NewChannel();
        var live = new CommitRecorder();
        await using var subscription = await Store.SubscribeAsync(channel, live.Record, Cancel);

        await PublishAsync(channel, Message(channel, "a"));
        await PublishAsync(channel, Message(channel, "a"));
        await PublishAsync(channel, Message(channel, "b"));
        var one = await live.NextAsync("the commit of offset 1");
        var two = await live.NextAsync("the commit of offset 2");

        // Commits arrive in order, so an announcement of the duplicate would have come between these two.
        Assert.Equal(1, one.UpTo);
        Assert.Equal((2L, 1L), (two.UpTo, two.Previous.Offset));
        Assert.Equal(["5:alice:b"], two.Messages.Select(m => m.Id));
    }

    [Fact]
    public async Task ASubscriberGetsOnlyItsOwnChannelsCommits()
    {
        var (mine, other) = (NewChannel(), NewChannel());
        var live = new CommitRecorder();
        await using var subscription = await Store.SubscribeAsync(mine, live.Record, Cancel);

        await PublishAsync(other, Message(other, "elsewhere"));
        var appended = await PublishAsync(mine, Message(mine, "here"));

        // The other channel's commit was published first: had it reached this subscriber, it would be first.
        var commit = await live.NextAsync("the commit on the subscribed channel");
        Assert.Equal(appended.Epoch, commit.Epoch);
        Assert.Equal(["5:alice:here"], commit.Messages.Select(m => m.Id));
    }

    [Fact]
    public async Task ADisposedSubscriptionGetsNothingMoreWhileAnotherOnTheSameChannelKeepsGoing()
    {
        var channel = NewChannel();
        var (leaving, staying) = (new CommitRecorder(), new CommitRecorder());
        var leavingSubscription = await Store.SubscribeAsync(channel, leaving.Record, Cancel);
        await using var stayingSubscription = await Store.SubscribeAsync(channel, staying.Record, Cancel);

        await PublishAsync(channel, Message(channel, "a"));
        Assert.Equal(1, (await leaving.NextAsync("the first commit, on the subscription about to leave")).UpTo);
        Assert.Equal(1, (await staying.NextAsync("the first commit, on the subscription that stays")).UpTo);
        await leavingSubscription.DisposeAsync();

        await PublishAsync(channel, Message(channel, "b"));
        Assert.Equal(2, (await staying.NextAsync("the second commit, on the subscription that stays")).UpTo);
        Assert.Equal(0, leaving.Waiting);
    }

    [Fact]
    public async Task ACommitTooLongForOneLiveMessageAnnouncesOnlyItsOffsetAndReadersCatchUpFromHistory()
    {
        var channel = NewChannel();
        var first = await PublishAsync(channel, Message(channel, "first"));
        var live = new CommitRecorder();
        await using var subscription = await Store.SubscribeAsync(channel, live.Record, Cancel);

        await PublishAsync(channel, [.. Enumerable.Range(1, RedisChannelStore.MaxLiveMessages).Select(i => Message(channel, $"full-{i}"))]);
        await PublishAsync(channel, [.. Enumerable.Range(1, RedisChannelStore.MaxLiveMessages + 1).Select(i => Message(channel, $"over-{i}"))]);
        var full = await live.NextAsync($"the commit of {RedisChannelStore.MaxLiveMessages} messages");
        var over = await live.NextAsync($"the commit of {RedisChannelStore.MaxLiveMessages + 1} messages");

        var upTo = 1 + RedisChannelStore.MaxLiveMessages;
        Assert.Equal((upTo, new ChannelMark(new ChannelPosition(first.Epoch, 1), "5:alice:first")), (full.UpTo, full.Previous));
        Assert.Equal(Enumerable.Range(2, RedisChannelStore.MaxLiveMessages).Select(i => (long)i), full.Messages.Select(m => m.Offset));
        Assert.Equal((upTo * 2L, new ChannelMark(new ChannelPosition(first.Epoch, upTo), null)), (over.UpTo, over.Previous));
        Assert.Empty(over.Messages);
        var rest = await Store.ReadAsync(channel, new ChannelMark(new ChannelPosition(first.Epoch, upTo), null), limit: 1000, Cancel);
        Assert.Equal(Enumerable.Range(upTo + 1, upTo).Select(i => (long)i), Offsets(rest));
    }

    /// <summary>What a subscription received, in order, to be awaited one commit at a time.</summary>
    private sealed class CommitRecorder
    {
        private readonly System.Threading.Channels.Channel<ChannelCommit> _commits = System.Threading.Channels.Channel.CreateUnbounded<ChannelCommit>();

        /// <summary>Gets how many commits arrived that no <see cref="NextAsync"/> took yet.</summary>
        public int Waiting => _commits.Reader.Count;

        public void Record(ChannelCommit commit) => _commits.Writer.TryWrite(commit);

        public Task<ChannelCommit> NextAsync(string what) => TestWait.For(_commits.Reader.ReadAsync(Cancel).AsTask(), what);
    }
}
