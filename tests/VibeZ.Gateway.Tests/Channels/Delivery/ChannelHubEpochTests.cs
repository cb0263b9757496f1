using VibeZ.Channels.Storage;

namespace VibeZ.Gateway.Tests.Channels.Delivery;

/// <summary>
/// A channel's history lost — its keys expired, or a failover took writes this Gateway had delivered — is never a
/// silent gap: every subscriber gets <c>subscribed</c> with <c>recovered:false</c>, the new epoch and offset 0, then
/// the new epoch's messages.
/// </summary>
public sealed class ChannelHubEpochTests
{
    private const string Channel = ChannelHubHarness.Channel;

    [Fact]
    public async Task ALiveMessageOfANewEpochAfterTheKeysExpiredIsAnnouncedToEverySubscriberThenDelivered()
    {
        await using var harness = new ChannelHubHarness();
        var alice = await harness.JoinAsync("alice");
        var bob = await harness.JoinAsync("bob");
        harness.Store.AppendMany(Channel, 2);
        await bob.WaitForAsync("message epoch-1:2");

        harness.Store.Expire(Channel);
        harness.Store.AppendMany(Channel, 2);

        string[] expected =
        [
            "subscribed :0 recovered:true", "message epoch-1:1", "message epoch-1:2",
            "subscribed epoch-2:0 recovered:false", "message epoch-2:1", "message epoch-2:2",
        ];
        await alice.WaitForAsync("message epoch-2:2");
        await bob.WaitForAsync("message epoch-2:2");
        Assert.Equal(expected, alice.Seen);
        Assert.Equal(expected, bob.Seen);
        Assert.Contains("EpochChanged", harness.LoggedEvents);
    }

    [Fact]
    public async Task KeysThatExpiredWithoutANewPublishAreAnnouncedByTheNextResyncWhichWritesNothing()
    {
        await using var harness = new ChannelHubHarness();
        var subscriber = await harness.JoinAsync("alice");
        harness.Store.Append(Channel);
        await subscriber.WaitForAsync("message epoch-1:1");

        harness.Store.Expire(Channel);
        harness.Hub.ResyncAll();
        await subscriber.WaitForAsync("subscribed :0 recovered:false");
        Assert.Null(harness.Store.Position(Channel));

        // The next publish starts the new epoch; nothing was lost since the announcement, and the messages name it.
        harness.Store.Append(Channel);
        await subscriber.WaitForAsync("message epoch-2:1");
        Assert.Equal(
            ["subscribed :0 recovered:true", "message epoch-1:1", "subscribed :0 recovered:false", "message epoch-2:1"],
            subscriber.Seen);
    }

    [Fact]
    public async Task AMasterThatLostDeliveredWritesInAFailoverStartsANewEpochOnceTheLiveFeedIsInterrupted()
    {
        await using var harness = new ChannelHubHarness();
        var subscriber = await harness.JoinAsync("alice");
        harness.Store.AppendMany(Channel, 5);
        await subscriber.WaitForAsync("message epoch-1:5");

        harness.Store.LoseWrites(Channel, 2);
        harness.Store.InterruptLiveFeed();
        await subscriber.WaitForAsync("subscribed epoch-2:0 recovered:false");
        harness.Store.Append(Channel);

        await subscriber.WaitForAsync("message epoch-2:1");
        Assert.Contains(harness.Store.Reads, r => r.After.Position == new ChannelPosition("epoch-1", 5) && r.After.Id is not null);
        Assert.Equal(["subscribed epoch-2:0 recovered:false", "message epoch-2:1"], subscriber.Seen.Skip(6));
    }

    [Fact]
    public async Task OffsetsReusedAfterAFailoverLostWritesAreNotDeliveredAsTheOldOnes()
    {
        // Another Gateway, knowing less, publishes 4 again on the new master before this one resyncs: its live
        // message looks like a duplicate, and the resync that follows the failover tells subscribers the truth.
        await using var harness = new ChannelHubHarness();
        var subscriber = await harness.JoinAsync("alice");
        harness.Store.AppendMany(Channel, 5);
        await subscriber.WaitForAsync("message epoch-1:5");

        harness.Store.LoseWrites(Channel, 2);
        harness.Store.Append(Channel);
        harness.Store.InterruptLiveFeed();

        await subscriber.WaitForAsync("subscribed epoch-2:0 recovered:false");
        Assert.Equal(["message epoch-1:5", "subscribed epoch-2:0 recovered:false"], subscriber.Seen.Skip(5));
    }

    [Fact]
    public async Task AJoinWithSinceWhileTheEpochChangedUnseenEndsInTheNewEpoch()
    {
        await using var harness = new ChannelHubHarness();
        var alice = await harness.JoinAsync("alice");
        harness.Store.AppendMany(Channel, 3);
        await alice.WaitForAsync("message epoch-1:3");
        harness.Store.Expire(Channel);
        harness.Store.Append(Channel, live: false);

        var bob = await harness.JoinAsync("bob", since: new("epoch-1", 1));

        await bob.WaitForAsync("message epoch-2:1");
        Assert.Equal(["subscribed epoch-1:3 recovered:false", "subscribed epoch-2:0 recovered:false", "message epoch-2:1"], bob.Seen);
        await alice.WaitForAsync("message epoch-2:1");
    }

    [Fact]
    public async Task ASubscriberThatRefusesTheNewEpochsSubscribedFrameGetsNothingMore()
    {
        await using var harness = new ChannelHubHarness();
        var slow = await harness.JoinAsync("slow", capacity: 2);
        var fast = await harness.JoinAsync("fast");
        harness.Store.Append(Channel);
        await fast.WaitForAsync("message epoch-1:1");

        harness.Store.Expire(Channel);
        harness.Store.AppendMany(Channel, 2);
        await fast.WaitForAsync("message epoch-2:2");

        Assert.Equal(["subscribed :0 recovered:true", "message epoch-1:1"], slow.Seen);
        Assert.Equal(1, slow.Refused);
    }

    [Fact]
    public async Task ALateLiveMessageOfTheOldEpochChangesNothing()
    {
        await using var harness = new ChannelHubHarness();
        var subscriber = await harness.JoinAsync("alice");
        var old = harness.Store.AppendMany(Channel, 2);
        harness.Store.Expire(Channel);
        harness.Store.Append(Channel);
        await subscriber.WaitForAsync("message epoch-2:1");

        harness.Store.RaiseLive(Channel, old[1]);
        harness.Store.Append(Channel);
        await subscriber.WaitForAsync("message epoch-2:2");

        Assert.Equal(
            ["subscribed :0 recovered:true", "message epoch-1:1", "message epoch-1:2", "subscribed epoch-2:0 recovered:false", "message epoch-2:1", "message epoch-2:2"],
            subscriber.Seen);
    }

    [Fact]
    public async Task ANewEpochBecomesTheHubsKnownPositionOnceItsMessagesAreDelivered()
    {
        await using var harness = new ChannelHubHarness();
        var subscriber = await harness.JoinAsync("alice");
        harness.Store.AppendMany(Channel, 3);
        await subscriber.WaitForAsync("message epoch-1:3");

        harness.Store.Expire(Channel);
        harness.Store.Append(Channel);
        await subscriber.WaitForAsync("message epoch-2:1");

        Assert.Equal(new ChannelPosition("epoch-2", 1), harness.Hub.Known(Channel)?.Position);
    }

    [Fact]
    public async Task ALiveCommitNamingAnotherMessageAtTheDeliveredOffsetStartsANewEpochNotASilentReuse()
    {
        // The offset was lost in a failover and handed out again to another message, and the counter caught up:
        // only the message's id tells.
        await using var harness = new ChannelHubHarness();
        var subscriber = await harness.JoinAsync("alice");
        harness.Store.AppendMany(Channel, 3);
        await subscriber.WaitForAsync("message epoch-1:3");

        harness.Store.LoseWrites(Channel, 1);
        harness.Store.Append(Channel, id: "another-3");
        harness.Store.Append(Channel, id: "another-4");

        await subscriber.WaitForAsync("subscribed epoch-2:0 recovered:false");
        Assert.DoesNotContain("message epoch-1:4", subscriber.Seen);
        Assert.Contains("RolledBack", harness.LoggedEvents);
    }

    [Fact]
    public async Task AnOffsetHandedOutAgainWhileTheLiveFeedWasSilentIsCaughtByTheResyncTimer()
    {
        // The counter is where the feed left it, so only the message at the delivered offset tells; the head read of
        // the timer's sweep must look at it, not only at the counters.
        await using var harness = new ChannelHubHarness(options => options.ResyncIntervalSeconds = 5);
        var subscriber = await harness.JoinAsync("alice");
        harness.Store.AppendMany(Channel, 3);
        await subscriber.WaitForAsync("message epoch-1:3");
        harness.Store.LoseWrites(Channel, 1);
        harness.Store.Append(Channel, id: "another-3", live: false);

        harness.Time.Advance(TimeSpan.FromSeconds(5));

        await subscriber.WaitForAsync("subscribed epoch-2:0 recovered:false");
        Assert.Contains("RolledBack", harness.LoggedEvents);
    }

    [Fact]
    public async Task AReadFromANodeThatDoesNotKnowTheChannelIsNotBelievedUntilAMasterThatTakesWritesSaysSo()
    {
        await using var harness = new ChannelHubHarness();
        var subscriber = await harness.JoinAsync("alice");
        harness.Store.AppendMany(Channel, 2);
        await subscriber.WaitForAsync("message epoch-1:2");

        // A crashed master restarted empty answers reads before it learns it was replaced.
        harness.Store.StaleReads = _ => new ChannelHistory(new ChannelPosition(string.Empty, 0), 0, []);
        harness.Hub.ResyncAll();
        await TestWait.Until(() => Task.FromResult((harness.Store.Reads.Count >= 4, $"{harness.Store.Reads.Count} reads")), "the resync to read and doubt");
        harness.Store.StaleReads = null;
        harness.Store.Append(Channel);

        await subscriber.WaitForAsync("message epoch-1:3");
        Assert.Equal(["subscribed :0 recovered:true", "message epoch-1:1", "message epoch-1:2", "message epoch-1:3"], subscriber.Seen);
    }

    [Fact]
    public async Task WithoutAMasterThatTakesWritesAHistoryThatLooksGoneIsNotAnnouncedYet()
    {
        await using var harness = new ChannelHubHarness();
        var subscriber = await harness.JoinAsync("alice");
        harness.Store.Append(Channel);
        await subscriber.WaitForAsync("message epoch-1:1");
        harness.Store.Expire(Channel);
        harness.Store.InspectFailure = new ChannelStoreException(GatewayErrorCodes.NotReplicated, "NOREPLICAS", retryable: true);

        harness.Hub.ResyncAll();
        await TestWait.Until(() => Task.FromResult((harness.LoggedEvents.Contains("NoAuthoritativeMaster"), string.Join(",", harness.LoggedEvents))), "the feed to wait for a master that takes writes");
        Assert.Equal(["subscribed :0 recovered:true", "message epoch-1:1"], subscriber.Seen);

        harness.Store.InspectFailure = null;
        harness.Hub.ResyncAll();
        await subscriber.WaitForAsync("subscribed :0 recovered:false");
    }
}
