using VibeZ.Channels.Storage;

namespace VibeZ.Gateway.Tests.Channels.Storage.Contract;

/// <summary>The contract's appends: offsets, frames and dedupe.</summary>
public abstract partial class ChannelStoreContractTests
{
    [Fact]
    public async Task AnAppendGivesItsMessagesTheNextOffsetsInBatchOrderInOneEpoch()
    {
        var channel = NewChannel();

        var first = await PublishAsync(channel, Message(channel, "a"), Message(channel, "b"), Message(channel, "c"));
        var second = await PublishAsync(channel, Message(channel, "d"), Message(channel, "e"));

        Assert.NotEmpty(first.Epoch);
        Assert.Equal((channel, first.Epoch), (second.Channel, second.Epoch));
        Assert.Equal([1L, 2, 3], first.Offsets);
        Assert.Equal([4L, 5], second.Offsets);
        Assert.All(first.Statuses.Concat(second.Statuses), status => Assert.Equal(AppendStatus.Appended, status));
        Assert.Equal(5, second.LastOffset);
    }

    [Fact]
    public async Task EveryChannelCountsItsOwnOffsetsFromOne()
    {
        var (left, right) = (NewChannel(), NewChannel());

        await PublishAsync(left, Message(left, "a"), Message(left, "b"));
        var appended = await PublishAsync(right, Message(right, "a"));

        Assert.Equal([1L], appended.Offsets);
        Assert.Equal(2, (await ReadAllAsync(left)).Position.Offset);
    }

    [Fact]
    public async Task ConcurrentAppendsToOneChannelGetDistinctConsecutiveOffsets()
    {
        var channel = NewChannel();

        var appended = await TestWait.For(
            Task.WhenAll(Enumerable.Range(1, 20).Select(i => PublishAsync(channel, Message(channel, $"m{i}")))), "20 concurrent publishes");

        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), appended.Select(a => a.Offsets.Single()).Order());
        Assert.Single(appended.Select(a => a.Epoch).Distinct());
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), Offsets(await ReadAllAsync(channel)));
    }

    [Fact]
    public async Task CommittedMessagesReadBackInOrderWithTheirIdentityAndTheFrameClientsGet()
    {
        var channel = NewChannel();
        var requests = new[] { Message(channel, "a", "{\"text\":\"hi\"}"), Message(channel, "b \"quoted\"", "[1,2]", scope: "") };

        var appended = await PublishAsync(channel, requests);
        var history = await ReadAllAsync(channel);

        Assert.Equal(new ChannelPosition(appended.Epoch, 2), history.Position);
        Assert.Equal(2, history.Appended);
        Assert.Null(history.Anchor);
        Assert.False(history.Partial);
        Assert.Equal(
            [(appended.Epoch, 1L, requests[0].Identity), (appended.Epoch, 2L, requests[1].Identity)],
            history.Messages.Select(m => (m.Epoch, m.Offset, m.Id)));
        // The id is JSON-encoded as System.Text.Json writes it; the data goes in as the publisher's JSON text.
        Assert.Equal(
            $$$"""{"type":"message","channel":"{{{channel}}}","offset":1,"epoch":"{{{appended.Epoch}}}","id":"a","data":{"text":"hi"}}""",
            Text(history.Messages[0]));
        Assert.Equal(
            $$"""{"type":"message","channel":"{{channel}}","offset":2,"epoch":"{{appended.Epoch}}","id":"b \u0022quoted\u0022","data":[1,2]}""",
            Text(history.Messages[1]));
    }

    [Fact]
    public async Task ACanceledAppendOrReadThrowsAndAppendsNothing()
    {
        var channel = NewChannel();
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.AppendAsync(channel, [Message(channel, "a")], known: null, canceled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.ReadAsync(channel, Origin, limit: 10, canceled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.SubscribeAsync(channel, _ => { }, canceled.Token));

        Assert.Equal(new ChannelPosition(string.Empty, 0), (await ReadAllAsync(channel)).Position);
    }

    [Fact]
    public async Task TheSameIdWithTheSameDataIsADuplicateThatKeepsItsFirstOffset()
    {
        var channel = NewChannel();
        await PublishAsync(channel, Message(channel, "a"), Message(channel, "b"));

        var again = await PublishAsync(channel, Message(channel, "a"));
        var next = await PublishAsync(channel, Message(channel, "c"));

        Assert.Equal([1L], again.Offsets);
        Assert.Equal([AppendStatus.Duplicate], again.Statuses);
        Assert.Equal([3L], next.Offsets);
        var history = await ReadAllAsync(channel);
        Assert.Equal([1L, 2, 3], Offsets(history));
    }

    [Fact]
    public async Task AnIdRepeatedWithinOneBatchIsAppendedOnce()
    {
        var channel = NewChannel();

        var appended = await PublishAsync(channel, Message(channel, "a"), Message(channel, "b"), Message(channel, "a"));

        Assert.Equal([1L, 2, 1], appended.Offsets);
        Assert.Equal([AppendStatus.Appended, AppendStatus.Appended, AppendStatus.Duplicate], appended.Statuses);
        Assert.Equal(2, (await ReadAllAsync(channel)).Appended);
    }

    [Fact]
    public async Task TheSameIdWithOtherDataIsAConflictAtOffsetZeroAndAppendsNothing()
    {
        var channel = NewChannel();
        await PublishAsync(channel, Message(channel, "a", "{\"v\":1}"));

        var conflict = await PublishAsync(channel, Message(channel, "a", "{\"v\":2}"));

        Assert.Equal([0L], conflict.Offsets);
        Assert.Equal([AppendStatus.Conflict], conflict.Statuses);
        Assert.Equal(0, conflict.LastOffset);
        var history = await ReadAllAsync(channel);
        Assert.Equal((1L, 1L), (history.Position.Offset, history.Appended));
        Assert.EndsWith("\"data\":{\"v\":1}}", Text(history.Messages.Single()));
    }

    [Fact]
    public async Task IdsAreDeduplicatedWithinTheirPublishersScopeOnly()
    {
        var channel = NewChannel();

        var appended = await PublishAsync(channel, Message(channel, "a", scope: "alice"), Message(channel, "a", scope: "bob"));

        Assert.Equal([1L, 2], appended.Offsets);
        var history = await ReadAllAsync(channel);
        Assert.Equal(["5:alice:a", "3:bob:a"], history.Messages.Select(m => m.Id));
    }
}
