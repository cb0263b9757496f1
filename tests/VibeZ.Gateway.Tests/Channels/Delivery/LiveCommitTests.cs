using System.Text;
using VibeZ.Channels.Delivery;

namespace VibeZ.Gateway.Tests.Channels.Delivery;

public sealed class LiveCommitTests
{
    [Fact]
    public void ACommitOfTwoMessagesIsParsedWithItsPreviousMessageAndTheFramesUntouched()
    {
        const string First = """{"type":"message","channel":"room-1","offset":42,"epoch":"a1b2","id":"m 1","data":"x:y 3:abc"}""";
        const string Second = "{\"data\":\"line\nbreak\"}";

        Assert.True(LiveCommit.TryParse(Payload("a1b2", "43", "41", "m 0", "42", "m 1", First, "43", "m:2", Second), out var commit));

        Assert.Equal(("a1b2", 43L), (commit.Epoch, commit.UpTo));
        Assert.Equal(new ChannelMark(new ChannelPosition("a1b2", 41), "m 0"), commit.Previous);
        Assert.Equal([(42L, "m 1", First), (43L, "m:2", Second)], commit.Messages.Select(m => (m.Offset, m.Id, Encoding.UTF8.GetString(m.Frame.Span))));
        Assert.All(commit.Messages, m => Assert.Equal("a1b2", m.Epoch));
    }

    [Fact]
    public void ACommitThatOnlyNamesItsNewOffsetHasNoMessagesAndAPreviousWithoutId()
    {
        Assert.True(LiveCommit.TryParse(Payload("e", "900", "10", ""), out var commit));

        Assert.Equal(900, commit.UpTo);
        Assert.Equal(new ChannelMark(new ChannelPosition("e", 10), null), commit.Previous);
        Assert.Empty(commit.Messages);
    }

    [Fact]
    public void TheLargestOffsetParses()
    {
        Assert.True(LiveCommit.TryParse(Payload("e", long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), "0", ""), out var commit));
        Assert.Equal(long.MaxValue, commit.UpTo);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1:e")]
    [InlineData("1:e2:10")]
    [InlineData("1:e2:101:5")]
    [InlineData("1:e2:101:50:3:431:m")]
    [InlineData("1:e2:101:50:2:xx")]
    [InlineData("1:e2:101:50:9:m")]
    [InlineData("x:e2:101:50:")]
    [InlineData("-1:e2:101:50:")]
    [InlineData("1:e20:99999999999999999999991:50:")]
    [InlineData("{\"type\":\"message\"}")]
    public void AMalformedPayloadIsRefused(string payload) =>
        Assert.False(LiveCommit.TryParse(Encoding.UTF8.GetBytes(payload), out _), $"'{payload}' was accepted");

    private static byte[] Payload(params string[] fields) =>
        Encoding.UTF8.GetBytes(string.Concat(fields.Select(f => $"{Encoding.UTF8.GetByteCount(f)}:{f}")));
}
