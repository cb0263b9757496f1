using VibeZ.Gateway.Channels;

namespace VibeZ.Gateway.Tests.Channels;

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

    private static ChannelHistory History(long latest, params long[] offsets) =>
        new(new ChannelPosition("e", latest), [.. offsets.Select(o => new ChannelMessage("e", o, new byte[] { (byte)'{', (byte)'}' }))]);
}
