namespace VibeZ.Gateway.Tests.Channels.Delivery;

/// <summary>Joining a channel: the <c>subscribed</c> frame, and the replay a <c>since</c> asks for.</summary>
public sealed class ChannelHubJoinTests
{
    private const string Channel = ChannelHubHarness.Channel;

    [Fact]
    public async Task AJoinWithoutSinceGetsSubscribedWithTheLatestOffsetRecoveredAndThisNodesId()
    {
        await using var harness = new ChannelHubHarness();
        harness.Store.AppendMany(Channel, 3);

        var subscriber = await harness.JoinAsync("alice");

        var frame = Assert.Single(subscriber.Frames);
        Assert.Equal(
            $$"""{"type":"subscribed","channel":"room-1","offset":3,"epoch":"epoch-1","recovered":true,"node":"{{harness.Hub.Node}}"}""",
            frame.ToJsonString());
        Assert.Equal(new GatewayNode().Id, harness.Hub.Node);
    }

    [Fact]
    public async Task AJoinToAChannelNeverUsedStartsItsFirstEpochAtOffsetZero()
    {
        await using var harness = new ChannelHubHarness();

        var subscriber = await harness.JoinAsync("alice");

        Assert.Equal(["subscribed :0 recovered:true"], subscriber.Seen);
    }

    [Fact]
    public async Task AJoinWithSinceInTheSameEpochGetsTheMissedMessagesInOrderThenSubscribedRecovered()
    {
        await using var harness = new ChannelHubHarness();
        harness.Store.AppendMany(Channel, 5);

        var subscriber = await harness.JoinAsync("alice", since: new("epoch-1", 2));

        Assert.Equal(["message epoch-1:3", "message epoch-1:4", "message epoch-1:5", "subscribed epoch-1:5 recovered:true"], subscriber.Seen);
    }

    [Fact]
    public async Task AJoinWithSinceAtTheLatestOffsetGetsOnlySubscribedRecovered()
    {
        await using var harness = new ChannelHubHarness();
        harness.Store.AppendMany(Channel, 5);

        var subscriber = await harness.JoinAsync("alice", since: new("epoch-1", 5));

        Assert.Equal(["subscribed epoch-1:5 recovered:true"], subscriber.Seen);
    }

    [Fact]
    public async Task AJoinWithSinceToAChannelOthersAlreadyFollowReplaysFromTheSharedFeed()
    {
        await using var harness = new ChannelHubHarness();
        var first = await harness.JoinAsync("alice");
        harness.Store.AppendMany(Channel, 4);
        await first.WaitForAsync("message epoch-1:4");

        var second = await harness.JoinAsync("bob", since: new("epoch-1", 1));
        harness.Store.Append(Channel);
        await second.WaitForAsync("message epoch-1:5");

        Assert.Equal(["message epoch-1:2", "message epoch-1:3", "message epoch-1:4", "subscribed epoch-1:4 recovered:true", "message epoch-1:5"], second.Seen);
        Assert.Equal(1, harness.Store.OpenSubscriptions(Channel));
    }

    [Fact]
    public async Task ASinceOlderThanTheTrimmedHistoryIsNotRecovered()
    {
        await using var harness = new ChannelHubHarness();
        harness.Store.AppendMany(Channel, 10);
        harness.Store.Trim(Channel, keep: 5);

        var subscriber = await harness.JoinAsync("alice", since: new("epoch-1", 2));

        // What history still has comes first, in order; the subscribed frame then says the replay had a gap.
        Assert.Equal(
            ["message epoch-1:6", "message epoch-1:7", "message epoch-1:8", "message epoch-1:9", "message epoch-1:10", "subscribed epoch-1:10 recovered:false"],
            subscriber.Seen);
    }

    [Fact]
    public async Task ASinceFartherBackThanOneHistoryPageIsReplayedPageByPageAndRecovered()
    {
        await using var harness = new ChannelHubHarness(options => options.MaxHistoryPageSize = 3);
        harness.Store.AppendMany(Channel, 10);

        var subscriber = await harness.JoinAsync("alice", since: new("epoch-1", 2));

        Assert.Equal([.. Enumerable.Range(3, 8).Select(o => $"message epoch-1:{o}"), "subscribed epoch-1:10 recovered:true"], subscriber.Seen);
        Assert.Equal([2L, 5, 8], harness.Store.Reads.Where(r => r.Limit > 0).Select(r => r.After.Offset));
    }

    [Fact]
    public async Task AResumeWhosePagesAreCutAtTheirBytesReadsOnUntilCaughtUpAndIsRecovered()
    {
        await using var harness = new ChannelHubHarness();
        harness.Store.AppendMany(Channel, 7);
        harness.Store.PageCut = 2;

        var subscriber = await harness.JoinAsync("alice", since: new("epoch-1", 1));

        Assert.Equal([.. Enumerable.Range(2, 6).Select(o => $"message epoch-1:{o}"), "subscribed epoch-1:7 recovered:true"], subscriber.Seen);
    }

    [Fact]
    public async Task ASinceFromAnotherEpochIsNotRecovered()
    {
        await using var harness = new ChannelHubHarness();
        harness.Store.AppendMany(Channel, 4);

        var subscriber = await harness.JoinAsync("alice", since: new("an-epoch-that-was-lost", 2));

        Assert.Equal(["subscribed epoch-1:4 recovered:false"], subscriber.Seen);
    }

    [Fact]
    public async Task ASinceAheadOfThisGatewayButNotOfRedisIsRecoveredAndItsMessagesAreNotSentTwice()
    {
        // The client came from a faster Gateway: it already has 4 and 5, which this one has not delivered yet.
        await using var harness = new ChannelHubHarness();
        var slowFeed = await harness.JoinAsync("alice");
        harness.Store.AppendMany(Channel, 3);
        await slowFeed.WaitForAsync("message epoch-1:3");
        harness.Store.AppendMany(Channel, 2, live: false);

        var resumed = await harness.JoinAsync("bob", since: new("epoch-1", 5));
        harness.Hub.ResyncAll();
        harness.Store.Append(Channel);
        await slowFeed.WaitForAsync("message epoch-1:6");
        await resumed.WaitForAsync("message epoch-1:6");

        Assert.Equal(["subscribed epoch-1:5 recovered:true", "message epoch-1:6"], resumed.Seen);
    }

    [Fact]
    public async Task ASinceAheadOfRedisBecauseAFailoverLostWritesIsNotRecovered()
    {
        // The client saw 4 and 5, then the master lost them; other Gateways reuse 4 and 5 for new, acked messages.
        // Taking the client's word that it is complete would silently skip those: Redis has to be asked.
        await using var harness = new ChannelHubHarness();
        harness.Store.AppendMany(Channel, 5);
        harness.Store.LoseWrites(Channel, 2);
        var witness = await harness.JoinAsync("witness");

        var resumed = await harness.JoinAsync("alice", since: new("epoch-1", 5));
        harness.Store.AppendMany(Channel, 3);
        await witness.WaitUntilAsync(seen => seen.Count(f => f.StartsWith("message", StringComparison.Ordinal)) == 3, "the three new messages");

        var subscribed = resumed.Frames[0];
        Assert.Equal("subscribed", (string?)subscribed["type"]);
        Assert.False((bool)subscribed["recovered"]!, $"A since past Redis's counter was reported complete; alice got [{string.Join(", ", resumed.Seen)}]");
        Assert.Equal(3, resumed.Seen.Count(f => f.StartsWith("message", StringComparison.Ordinal)));
    }
}
