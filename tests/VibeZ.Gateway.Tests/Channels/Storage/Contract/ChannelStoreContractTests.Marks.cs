using VibeZ.Channels.Storage;

namespace VibeZ.Gateway.Tests.Channels.Storage.Contract;

/// <summary>The contract's marks without an epoch of their own: an empty epoch reads the current one, as the HTTP history API asks.</summary>
public abstract partial class ChannelStoreContractTests
{
    [Fact]
    public async Task ReadHeadsAnswersWhatAReadWithLimitZeroAnswersForEveryKindOfMark()
    {
        var (channel, unknown) = (NewChannel(), NewChannel());
        var appended = await PublishAsync(channel, Message(channel, "a"), Message(channel, "b"));
        (string Channel, ChannelMark After)[] marks =
        [
            (channel, new ChannelMark(new ChannelPosition(string.Empty, 2), null)),
            (channel, new ChannelMark(new ChannelPosition(string.Empty, 1), "5:alice:z")),
            (channel, new ChannelMark(new ChannelPosition(string.Empty, 9), null)),
            (channel, Origin),
            (channel, new ChannelMark(new ChannelPosition(appended.Epoch, 2), "5:alice:b")),
            (channel, new ChannelMark(new ChannelPosition("another-epoch", 1), null)),
            (unknown, new ChannelMark(new ChannelPosition(string.Empty, 2), null)),
        ];

        var reads = new List<ChannelHistory>();
        foreach (var (name, after) in marks)
        {
            reads.Add(await Store.ReadAsync(name, after, limit: 0, Cancel));
        }

        var heads = await Store.ReadHeadsAsync(marks, Cancel);

        Assert.Equal(new ChannelMark(new ChannelPosition(appended.Epoch, 2), "5:alice:b"), reads[0].Anchor);
        Assert.Equal(
            reads.Select(r => (r.Position, r.Appended, r.Messages.Count, r.Anchor)),
            heads.Select(h => (h.Position, h.Appended, h.Messages.Count, h.Anchor)));
    }

    [Fact]
    public async Task ADefaultMarkReadsAsTheStartMark()
    {
        var (channel, unknown) = (NewChannel(), NewChannel());
        await PublishAsync(channel, Message(channel, "a"), Message(channel, "b"));

        foreach (var name in new[] { channel, unknown })
        {
            var start = await Store.ReadAsync(name, Origin, limit: 10, Cancel);
            var read = await Store.ReadAsync(name, default, limit: 10, Cancel);
            var head = (await Store.ReadHeadsAsync([(name, default)], Cancel)).Single();

            Assert.Equal((start.Position, start.Appended, start.Anchor), (read.Position, read.Appended, read.Anchor));
            Assert.Equal(start.Messages.Select(Text), read.Messages.Select(Text));
            Assert.Equal((start.Position, start.Appended, 0, (ChannelMark?)null), (head.Position, head.Appended, head.Messages.Count, head.Anchor));
        }
    }
}
