namespace VibeZ.Gateway.Tests.Channels.Delivery;

/// <summary>What the live feed missed: gaps filled from history, resyncs (on demand, on an interrupted feed, by the timer), catch-ups page by page, and trimmed messages announced.</summary>
public sealed partial class ChannelHubDeliveryTests
{
    [Fact]
    public async Task AGapInLiveOffsetsIsFilledFromHistoryInOrderWithoutDuplicates()
    {
        await using var harness = new ChannelHubHarness();
        var subscriber = await harness.JoinAsync("alice");

        harness.Store.Append(Channel);
        harness.Store.AppendMany(Channel, 2, live: false);
        harness.Store.Append(Channel);
        harness.Store.Append(Channel);
        await subscriber.WaitForAsync("message epoch-1:5");

        Assert.Equal(
            ["subscribed :0 recovered:true", "message epoch-1:1", "message epoch-1:2", "message epoch-1:3", "message epoch-1:4", "message epoch-1:5"],
            subscriber.Seen);
    }

    [Fact]
    public async Task ALiveMessageThatArrivesAfterItsGapWasFilledIsNotDeliveredAgain()
    {
        await using var harness = new ChannelHubHarness();
        var subscriber = await harness.JoinAsync("alice");
        var late = harness.Store.Append(Channel, live: false);
        harness.Store.Append(Channel);
        await subscriber.WaitForAsync("message epoch-1:2");

        harness.Store.RaiseLive(Channel, late);
        harness.Store.Append(Channel);
        await subscriber.WaitForAsync("message epoch-1:3");

        Assert.Equal(["subscribed :0 recovered:true", "message epoch-1:1", "message epoch-1:2", "message epoch-1:3"], subscriber.Seen);
    }

    [Fact]
    public async Task ADroppedLiveMessageFollowedBySilenceIsDeliveredByResyncAll()
    {
        await using var harness = new ChannelHubHarness();
        var subscriber = await harness.JoinAsync("alice");
        harness.Store.Append(Channel, live: false);

        harness.Hub.ResyncAll();

        await subscriber.WaitForAsync("message epoch-1:1");
        Assert.Equal(["subscribed :0 recovered:true", "message epoch-1:1"], subscriber.Seen);
    }

    [Fact]
    public async Task ADroppedLiveMessageFollowedBySilenceIsDeliveredWhenTheStoreReportsTheLiveFeedInterrupted()
    {
        await using var harness = new ChannelHubHarness();
        var subscriber = await harness.JoinAsync("alice");
        harness.Store.AppendMany(Channel, 2, live: false);

        harness.Store.InterruptLiveFeed();

        await subscriber.WaitForAsync("message epoch-1:2");
        Assert.Equal(["subscribed :0 recovered:true", "message epoch-1:1", "message epoch-1:2"], subscriber.Seen);
    }

    [Fact]
    public async Task ADroppedLiveMessageFollowedBySilenceIsDeliveredByTheResyncTimer()
    {
        await using var harness = new ChannelHubHarness(options => options.ResyncIntervalSeconds = 5);
        var subscriber = await harness.JoinAsync("alice");
        harness.Store.Append(Channel, live: false);

        harness.Time.Advance(TimeSpan.FromSeconds(4.9));

        // A join is queued behind any resync the timer could have asked for, so once it is done that resync ran.
        await harness.JoinAsync("probe");
        Assert.Equal(["subscribed :0 recovered:true"], subscriber.Seen);
        harness.Time.Advance(TimeSpan.FromSeconds(0.2));

        await subscriber.WaitForAsync("message epoch-1:1");
        Assert.Equal(["subscribed :0 recovered:true", "message epoch-1:1"], subscriber.Seen);
    }

    [Fact]
    public async Task TheResyncTimerReadsOnlyTheHeadsOfQuietChannels()
    {
        await using var harness = new ChannelHubHarness(options => options.ResyncIntervalSeconds = 5);
        var alice = await harness.JoinAsync("alice");
        var bob = new FakeSubscriber("bob", int.MaxValue);
        await TestWait.For(harness.Hub.JoinAsync("room-2", bob, null, TestContext.Current.CancellationToken), "bob to join room-2");
        var first = harness.Store.Append(Channel);
        await alice.WaitForAsync("message epoch-1:1");
        var before = harness.Store.Reads.Count;

        harness.Time.Advance(TimeSpan.FromSeconds(5));

        // A join is queued behind any resync the sweep could have asked for, so once it is done that resync ran.
        await harness.JoinAsync("probe");
        await TestWait.For(harness.Hub.JoinAsync("room-2", new FakeSubscriber("probe-2", int.MaxValue), null, TestContext.Current.CancellationToken), "a probe to join room-2");

        // One head read per channel, from what it delivered last; no page read, as a catch-up would do.
        Assert.Equal(
            [new(Channel, first.Mark, 0), new("room-2", new ChannelMark(new ChannelPosition(string.Empty, 0), null), 0)],
            harness.Store.Reads.Skip(before).OrderBy(r => r.Channel, StringComparer.Ordinal));
        Assert.Equal(["subscribed :0 recovered:true", "message epoch-1:1"], alice.Seen);
    }

    [Fact]
    public async Task AResyncReadsFromTheLastDeliveredMessageNamingItsId()
    {
        await using var harness = new ChannelHubHarness();
        var subscriber = await harness.JoinAsync("alice");
        harness.Store.AppendMany(Channel, 3);
        await subscriber.WaitForAsync("message epoch-1:3");

        harness.Store.Append(Channel, live: false);
        harness.Hub.ResyncAll();
        await subscriber.WaitForAsync("message epoch-1:4");

        var read = harness.Store.Reads[^1];
        Assert.Equal((Channel, new ChannelPosition("epoch-1", 3), harness.Options.MaxHistoryPageSize), (read.Channel, read.After.Position, read.Limit));
        Assert.NotNull(read.After.Id);
    }

    [Fact]
    public async Task ACatchUpLongerThanOneHistoryPageIsReadPageByPageInOrder()
    {
        await using var harness = new ChannelHubHarness(options => options.MaxHistoryPageSize = 2);
        var subscriber = await harness.JoinAsync("alice");
        harness.Store.AppendMany(Channel, 5, live: false);

        harness.Hub.ResyncAll();

        await subscriber.WaitForAsync("message epoch-1:5");
        Assert.Equal(
            ["subscribed :0 recovered:true", "message epoch-1:1", "message epoch-1:2", "message epoch-1:3", "message epoch-1:4", "message epoch-1:5"],
            subscriber.Seen);
    }

    [Fact]
    public async Task ACatchUpWhosePageIsCutAtItsBytesReadsTheNextPageAtOnce()
    {
        await using var harness = new ChannelHubHarness();
        var subscriber = await harness.JoinAsync("alice");
        harness.Store.AppendMany(Channel, 5, live: false);
        harness.Store.PageCut = 2;

        harness.Hub.ResyncAll();

        // One resync delivers everything: a page shorter than MaxHistoryPageSize is not taken for the end of history.
        await subscriber.WaitForAsync("message epoch-1:5");
        // The first read, from the empty epoch, only finds the channel's first one.
        Assert.Equal([0L, 2, 4], harness.Store.Reads.Where(r => r.Limit > 0 && r.After.Epoch == "epoch-1").Select(r => r.After.Offset));
    }

    [Fact]
    public async Task MessagesTrimmedBeforeThisGatewayCouldDeliverThemAreAnnouncedAsNotRecoveredNotSkippedSilently()
    {
        await using var harness = new ChannelHubHarness();
        var subscriber = await harness.JoinAsync("alice");
        harness.Store.Append(Channel);
        await subscriber.WaitForAsync("message epoch-1:1");
        harness.Store.AppendMany(Channel, 5, live: false);
        harness.Store.Trim(Channel, keep: 2);

        harness.Hub.ResyncAll();

        await subscriber.WaitForAsync("message epoch-1:6");
        Assert.Equal(
            ["subscribed :0 recovered:true", "message epoch-1:1", "subscribed epoch-1:4 recovered:false", "message epoch-1:5", "message epoch-1:6"],
            subscriber.Seen);
        Assert.Contains("MessagesTrimmed", harness.LoggedEvents);
    }
}
