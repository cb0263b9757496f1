using VibeZ.Channels.Storage;
using VibeZ.Channels.Publishing;
using VibeZ.Gateway.Tests.Channels.Storage;

namespace VibeZ.Gateway.Tests.Channels.Delivery;

/// <summary>The hub's own bookkeeping: one store subscription per channel, known positions, publishing, failures.</summary>
public sealed class ChannelHubTests
{
    private const string Channel = ChannelHubHarness.Channel;

    [Fact]
    public async Task OneStoreSubscriptionServesEveryLocalSubscriberAndTheLastLeaveDisposesIt()
    {
        await using var harness = new ChannelHubHarness();
        var alice = await harness.JoinAsync("alice");
        var bob = await harness.JoinAsync("bob");
        Assert.Equal(1, harness.Store.OpenSubscriptions(Channel));
        Assert.Equal(1, harness.Hub.ChannelCount);

        await harness.LeaveAsync(alice);
        Assert.Equal(1, harness.Store.OpenSubscriptions(Channel));
        Assert.Equal(0, harness.Store.Unsubscribes);

        await harness.LeaveAsync(bob);
        Assert.Equal(0, harness.Store.OpenSubscriptions(Channel));
        Assert.Equal(1, harness.Store.Unsubscribes);
        Assert.Equal(0, harness.Hub.ChannelCount);
    }

    [Fact]
    public async Task AJoinAfterTheLastLeaveOpensANewSubscriptionAndStillDelivers()
    {
        await using var harness = new ChannelHubHarness();
        await harness.LeaveAsync(await harness.JoinAsync("alice"));

        var bob = await harness.JoinAsync("bob");
        harness.Store.Append(Channel);

        await bob.WaitForAsync("message epoch-1:1");
        Assert.Equal(1, harness.Store.OpenSubscriptions(Channel));
    }

    [Fact]
    public async Task LeavingAChannelNobodyJoinedDoesNothing()
    {
        await using var harness = new ChannelHubHarness();

        await harness.LeaveAsync(new FakeSubscriber("nobody"));

        Assert.Equal(0, harness.Hub.ChannelCount);
    }

    [Fact]
    public async Task DisposingTheHubClosesEverySubscriptionAndStopsListeningToTheStore()
    {
        var harness = new ChannelHubHarness();
        await harness.JoinAsync("alice");
        Assert.Equal(1, harness.Store.LiveFeedListeners);

        await harness.DisposeAsync();

        Assert.Equal(0, harness.Store.OpenSubscriptions(Channel));
        Assert.Equal(0, harness.Hub.ChannelCount);
        Assert.Equal(0, harness.Store.LiveFeedListeners);
    }

    [Fact]
    public async Task AJoinWhoseSubscribeFailsThrowsAndLeavesNothingBehind()
    {
        await using var harness = new ChannelHubHarness();
        harness.Store.SubscribeFailure = new ChannelStoreException(GatewayErrorCodes.RedisUnavailable, "Redis is away", retryable: true);
        var subscriber = new FakeSubscriber("alice");

        var failure = await Assert.ThrowsAsync<ChannelStoreException>(
            () => TestWait.For(harness.Hub.JoinAsync(Channel, subscriber, null, TestContext.Current.CancellationToken), "a join that cannot subscribe"));

        Assert.Equal(GatewayErrorCodes.RedisUnavailable, failure.Code);
        Assert.Equal(0, harness.Hub.ChannelCount);
        Assert.Empty(subscriber.Frames);

        harness.Store.SubscribeFailure = null;
        var retried = await harness.JoinAsync("alice-again");
        Assert.Equal(["subscribed :0 recovered:true"], retried.Seen);
    }

    [Fact]
    public async Task AJoinWhoseFirstReadFailsThrowsAndClosesTheSubscription()
    {
        await using var harness = new ChannelHubHarness();
        harness.Store.ReadFailure = new ChannelStoreException(GatewayErrorCodes.RedisUnavailable, "Redis is away", retryable: true);
        var subscriber = new FakeSubscriber("alice");

        await Assert.ThrowsAsync<ChannelStoreException>(
            () => TestWait.For(harness.Hub.JoinAsync(Channel, subscriber, null, TestContext.Current.CancellationToken), "a join that cannot read"));

        Assert.Equal(0, harness.Hub.ChannelCount);
        Assert.Equal(0, harness.Store.OpenSubscriptions(Channel));
        Assert.Empty(subscriber.Frames);
    }

    [Fact]
    public async Task AJoinCancelledWhileTheSubscriptionIsOpeningDoesNotLeakTheSubscription()
    {
        // A client that disconnects while Redis fails over cancels its join before the subscription is open.
        await using var harness = new ChannelHubHarness();
        harness.Store.HoldSubscribes();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var join = harness.Hub.JoinAsync(Channel, new FakeSubscriber("alice"), null, cancel.Token);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TestWait.For(join, "the cancelled join"));
        Assert.Equal(0, harness.Hub.ChannelCount);
        harness.Store.ReleaseSubscribes();

        // Opened, then closed: checking only for "none open" would pass before the subscribe even completed.
        await TestWait.Until(
            () => Task.FromResult((
                harness.Store.Subscribes == 1 && harness.Store.OpenSubscriptions(Channel) == 0,
                $"{harness.Store.Subscribes} subscription(s) opened, {harness.Store.OpenSubscriptions(Channel)} still open")),
            "the subscription of a channel nobody joined any more to be closed once it opened",
            TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task ObserveKeepsTheHighestOffsetOfAnEpochAndReplacesItOnANewEpoch()
    {
        await using var harness = new ChannelHubHarness();
        var hub = harness.Hub;
        Assert.Null(hub.Known(Channel));

        hub.Observe(Channel, Mark("e1", 5));
        hub.Observe(Channel, Mark("e1", 3));
        Assert.Equal(Mark("e1", 5), hub.Known(Channel));

        hub.Observe(Channel, Mark("e1", 7));
        Assert.Equal(Mark("e1", 7), hub.Known(Channel));

        hub.Observe(Channel, Mark("e2", 1));
        Assert.Equal(Mark("e2", 1), hub.Known(Channel));
        Assert.Null(hub.Known("room-2"));
    }

    [Fact]
    public async Task AForgottenMarkOfASubscribedChannelFallsBackToWhatItsFeedDelivered()
    {
        await using var harness = new ChannelHubHarness(options => options.MaxKnownChannels = 2);
        var alice = await harness.JoinAsync("alice");
        harness.Store.Append(Channel);
        await alice.WaitForAsync("message epoch-1:1");

        // Two other channels push the subscribed one's mark out of the cap.
        harness.Hub.Observe("room-2", Mark("e1", 1));
        harness.Hub.Observe("room-3", Mark("e1", 1));
        Assert.Null(harness.Hub.Known("unsubscribed"));

        Assert.Equal(new ChannelPosition("epoch-1", 1), harness.Hub.Known(Channel)?.Position);
        Assert.NotNull(harness.Hub.Known(Channel)?.Id);
    }

    [Fact]
    public async Task TheHubRemembersAtMostMaxKnownChannelsMarksAndForgetsTheLeastRecentlyUsed()
    {
        await using var harness = new ChannelHubHarness(options => options.MaxKnownChannels = 2);

        harness.Hub.Observe("a", Mark("e1", 1));
        harness.Hub.Observe("b", Mark("e1", 1));
        harness.Hub.Observe("a", Mark("e1", 2));
        harness.Hub.Observe("c", Mark("e1", 1));

        Assert.Null(harness.Hub.Known("b"));
        Assert.Equal(Mark("e1", 2), harness.Hub.Known("a"));
        Assert.Equal(Mark("e1", 1), harness.Hub.Known("c"));
    }

    [Fact]
    public async Task ReachingMaxKnownChannelsIsLoggedOnceNotOncePerForgottenMark()
    {
        await using var harness = new ChannelHubHarness(options => options.MaxKnownChannels = 2);
        harness.Hub.Observe("a", Mark("e1", 1));
        harness.Hub.Observe("b", Mark("e1", 1));
        Assert.DoesNotContain("KnownChannelsFull", harness.LoggedEvents);

        for (var i = 0; i < 10; i++)
        {
            harness.Hub.Observe($"c-{i}", Mark("e1", 1));
        }

        Assert.Single(harness.LoggedEvents, e => e == "KnownChannelsFull");
        Assert.Contains("Gateway:MaxKnownChannels", harness.Logger.Collector.GetSnapshot().Single(r => r.Id.Name == "KnownChannelsFull").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishAsyncPassesTheKnownMessageToTheStoreAndRemembersWhereTheMessageLanded()
    {
        await using var harness = new ChannelHubHarness();
        var token = TestContext.Current.CancellationToken;

        var first = await TestWait.For(harness.Hub.PublishAsync(new PublishRequest(Channel, FakeChannelStore.Scope, "m-1", "1"), token), "the first publish");
        harness.Hub.Observe(Channel, new ChannelMark(new ChannelPosition("epoch-1", 9), "m-9"));
        await TestWait.For(harness.Hub.PublishAsync(new PublishRequest(Channel, FakeChannelStore.Scope, "m-2", "2"), token), "the second publish");

        Assert.Equal(new PublishResult(new("epoch-1", 1), Duplicate: false), first);
        Assert.Equal([null, new ChannelMark(new ChannelPosition("epoch-1", 9), "m-9")], harness.Store.Appends.Select(p => p.Known));
    }

    [Fact]
    public async Task APublishedMessageBecomesTheKnownMessageForTheNextPublish()
    {
        await using var harness = new ChannelHubHarness();
        var token = TestContext.Current.CancellationToken;

        var first = new PublishRequest(Channel, FakeChannelStore.Scope, "m-1", "1");
        var second = new PublishRequest(Channel, FakeChannelStore.Scope, "m-2", "2");
        await TestWait.For(harness.Hub.PublishAsync(first, token), "the first publish");
        await TestWait.For(harness.Hub.PublishAsync(second, token), "the second publish");

        // The mark names the message by its identity (scope and id), which is what history records.
        Assert.Equal([null, new ChannelMark(new ChannelPosition("epoch-1", 1), first.Identity)], harness.Store.Appends.Select(p => p.Known));
        Assert.Equal(new ChannelMark(new ChannelPosition("epoch-1", 2), second.Identity), harness.Hub.Known(Channel));
    }

    [Fact]
    public async Task KnownPositionsOfChannelsIdleLongerThanTheirTimeToLiveAreForgottenOnTheResyncTimer()
    {
        await using var harness = new ChannelHubHarness(options =>
        {
            options.ChannelTimeToLiveSeconds = 60;
            options.ResyncIntervalSeconds = 5;
        });
        harness.Hub.Observe("idle", Mark("e1", 3));
        harness.Time.Advance(TimeSpan.FromSeconds(50));
        harness.Hub.Observe("busy", Mark("e1", 3));

        harness.Time.Advance(TimeSpan.FromSeconds(15));

        Assert.Null(harness.Hub.Known("idle"));
        Assert.Equal(Mark("e1", 3), harness.Hub.Known("busy"));
    }

    private static ChannelMark Mark(string epoch, long offset) => new(new ChannelPosition(epoch, offset), $"m{offset}");
}
