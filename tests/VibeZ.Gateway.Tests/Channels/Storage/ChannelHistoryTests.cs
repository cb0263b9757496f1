using VibeZ.Channels.Storage;

namespace VibeZ.Gateway.Tests.Channels.Storage;

public sealed class ChannelHistoryTests
{
    [Theory]
    [InlineData(5, 5, true)]   // nothing new
    [InlineData(5, 7, true)]   // Redis behind the reader: nothing between was trimmed (a lost history is the epoch's job)
    [InlineData(5, 4, false)]  // messages after the reader's offset exist, and none is left: all trimmed
    public void AnEmptyPageContinuesOnlyWhenTheChannelHasNothingAfterTheReader(long latest, long after, bool expected) =>
        Assert.Equal(expected, History(latest).ContinuesFrom(after));

    [Theory]
    [InlineData(4, true)]
    [InlineData(3, false)]
    [InlineData(0, false)]
    public void APageContinuesWhenItsFirstMessageIsTheOneAfterTheReaders(long after, bool expected) =>
        Assert.Equal(expected, History(latest: 7, 5, 6, 7).ContinuesFrom(after));

    [Fact]
    public void AFullHistoryFromTheStartContinuesFromZero() => Assert.True(History(latest: 2, 1, 2).ContinuesFrom(0));

    [Theory]
    [InlineData(5, "m5", 5, "m5", false)]  // the same message where the reader is
    [InlineData(7, null, 5, "m5", false)]  // moved on, the message there not read: nothing contradicts the reader
    [InlineData(4, null, 5, "m5", true)]   // the counter is behind what the reader holds: those offsets were lost
    [InlineData(6, "n5", 5, "m5", true)]   // another message where the reader is: the offset was handed out again
    [InlineData(6, "n5", 5, null, false)]  // the reader does not know its message's id: only the counter can tell
    public void AHistoryRolledBackPastAReaderWhenItsCounterIsBehindOrItHoldsAnotherMessageThere(long appended, string? anchorId, long offset, string? id, bool expected)
    {
        var anchor = anchorId is null ? (ChannelMark?)null : new ChannelMark(new ChannelPosition("e", offset), anchorId);
        var history = new ChannelHistory(new ChannelPosition("e", Math.Min(appended, 5)), appended, [], anchor);

        Assert.Equal(expected, history.RolledBackPast(new ChannelMark(new ChannelPosition("e", offset), id)));
    }

    [Fact]
    public void AMessageReadAtAnotherOffsetSaysNothingAboutTheReaders()
    {
        var history = new ChannelHistory(new ChannelPosition("e", 5), 5, [], new ChannelMark(new ChannelPosition("e", 2), "m2"));

        Assert.False(history.RolledBackPast(new ChannelMark(new ChannelPosition("e", 5), "m5")));
    }

    [Fact]
    public void AHistoryOfAnotherEpochIsNotARollback() =>
        Assert.False(new ChannelHistory(new ChannelPosition("e2", 0), 0, []).RolledBackPast(new ChannelMark(new ChannelPosition("e1", 9), "m9")));

    private static ChannelHistory History(long latest, params long[] offsets) =>
        new(new ChannelPosition("e", latest), latest, [.. offsets.Select(o => new ChannelMessage("e", o, $"m{o}", new byte[] { (byte)'{', (byte)'}' }))]);
}
