using VibeZ.Channels.Storage;
using VibeZ.Channels.Publishing;
using VibeZ.Gateway.Tests.Channels.Delivery;
using VibeZ.Gateway.Tests.Channels.Storage;

namespace VibeZ.Gateway.Tests.Channels.Publishing;

/// <summary>
/// Publishing through the hub: one channel's publishes go to the store in the order they arrive, in batches, one
/// batch at a time; a batch that must be appended again goes before anything after it; a reused id with other data
/// is refused; a commit that fails fails only its own batch.
/// </summary>
public sealed class ChannelPublisherTests
{
    private const string Channel = ChannelHubHarness.Channel;

    [Fact]
    public async Task PublishesThatArriveWhileABatchIsOutShareTheNextBatchAndKeepTheirOrder()
    {
        await using var harness = new ChannelHubHarness();
        var held = HoldFirstAppend(harness, out var release);

        var acks = new List<Task<PublishResult>> { Publish(harness, "m-1") };
        await TestWait.For(held, "the first append to start");
        acks.AddRange(Enumerable.Range(2, 4).Select(i => Publish(harness, $"m-{i}")));
        release();
        var results = await TestWait.For(Task.WhenAll(acks), "every publish to be acked");

        Assert.Equal([1L, 2, 3, 4, 5], results.Select(r => r.Position.Offset));
        var batches = harness.Store.Appends.Select(a => a.Batch.Select(r => r.Id).ToList()).ToList();
        Assert.Equal(["m-1"], batches[0]);
        Assert.Equal(["m-2", "m-3", "m-4", "m-5"], batches[1]);
    }

    [Fact]
    public async Task APublishCancelledWhileQueuedIsNeverSentToRedisAndTheRestStillAre()
    {
        await using var harness = new ChannelHubHarness();
        var held = HoldFirstAppend(harness, out var release);
        using var closed = new CancellationTokenSource();

        var first = Publish(harness, "m-1");
        await TestWait.For(held, "the first append to start");
        var withdrawn = harness.Hub.PublishAsync(new PublishRequest(Channel, FakeChannelStore.Scope, "m-2", "{}"), closed.Token);
        var kept = Publish(harness, "m-3");
        await closed.CancelAsync();
        release();
        await TestWait.For(Task.WhenAll(first, kept), "the publishes that were not cancelled to be acked");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TestWait.For(withdrawn, "the cancelled publish to end"));
        Assert.Equal(["m-1", "m-3"], harness.Store.Appends.SelectMany(a => a.Batch.Select(r => r.Id)));
    }

    [Fact]
    public async Task ABatchWhoseNodeLostItsPlaceIsAppendedAgainBeforeAnythingAfterIt()
    {
        await using var harness = new ChannelHubHarness();
        harness.Store.CommitsToMove = 1;
        var held = HoldFirstAppend(harness, out var release);

        var first = Publish(harness, "m-1");
        await TestWait.For(held, "the first append to start");
        var second = Publish(harness, "m-2");
        release();
        var results = await TestWait.For(Task.WhenAll(first, second), "both publishes to be acked");

        Assert.Equal(["m-1", "m-1", "m-2"], harness.Store.Appends.SelectMany(a => a.Batch.Select(r => r.Id)));
        Assert.Equal([(1L, false), (2L, false)], results.Select(r => (r.Position.Offset, r.Duplicate)));
    }

    [Fact]
    public async Task AReusedIdWithOtherDataIsRefusedAsAConflictWhileTheSameDataIsADuplicate()
    {
        await using var harness = new ChannelHubHarness();
        var first = await TestWait.For(Publish(harness, "m-1", "1"), "the first publish");

        var again = await TestWait.For(Publish(harness, "m-1", "1"), "the same publish again");
        var conflict = await Assert.ThrowsAsync<ChannelStoreException>(() => TestWait.For(Publish(harness, "m-1", "2"), "the conflicting publish"));

        Assert.Equal(first.Position, again.Position);
        Assert.True(again.Duplicate);
        Assert.Equal((GatewayErrorCodes.IdConflict, false), (conflict.Code, conflict.Retryable));
        Assert.Equal(1, harness.Store.Appended(Channel));
    }

    [Fact]
    public async Task ACommitThatFailsFailsItsBatchAndTheNextPublishIsAckedAfterIt()
    {
        await using var harness = new ChannelHubHarness();
        harness.Store.CommitFailure = new ChannelStoreException(GatewayErrorCodes.NotReplicated, "no replica confirmed", retryable: true);
        var failed = await Assert.ThrowsAsync<ChannelStoreException>(() => TestWait.For(Publish(harness, "m-1"), "the first publish"));

        harness.Store.CommitFailure = null;
        var next = await TestWait.For(Publish(harness, "m-2"), "the next publish");

        Assert.Equal(GatewayErrorCodes.NotReplicated, failed.Code);
        Assert.Equal(2, next.Position.Offset);

        // Committing the second made the first visible too: it was appended, and a replica now has it.
        Assert.Equal(new ChannelPosition("epoch-1", 2), harness.Store.Position(Channel));
    }

    [Fact]
    public async Task AppendedMessagesWhosePublisherGaveUpAreCommittedByTheResyncTimer()
    {
        await using var harness = new ChannelHubHarness(options => options.ResyncIntervalSeconds = 5);
        var subscriber = await harness.JoinAsync("alice");
        harness.Store.Append(Channel);
        await subscriber.WaitForAsync("message epoch-1:1");
        harness.Store.Append(Channel, commit: false);

        harness.Time.Advance(TimeSpan.FromSeconds(5));

        await subscriber.WaitForAsync("message epoch-1:2");
        Assert.Equal(new ChannelPosition("epoch-1", 2), harness.Store.Position(Channel));
    }

    /// <summary>Holds the first append until <paramref name="release"/>; the task completes when it started.</summary>
    private static Task HoldFirstAppend(ChannelHubHarness harness, out Action release)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Store.BeforeAppend = () =>
        {
            harness.Store.BeforeAppend = null;
            started.SetResult();
            return gate.Task;
        };
        release = gate.SetResult;
        return started.Task;
    }

    private static Task<PublishResult> Publish(ChannelHubHarness harness, string id, string data = "{}") =>
        harness.Hub.PublishAsync(new PublishRequest(Channel, FakeChannelStore.Scope, id, data), TestContext.Current.CancellationToken);
}
