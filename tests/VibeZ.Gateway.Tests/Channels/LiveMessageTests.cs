using System.Text;
using VibeZ.Gateway.Channels;

namespace VibeZ.Gateway.Tests.Channels;

public sealed class LiveMessageTests
{
    [Fact]
    public void APayloadOfOffsetEpochAndFrameIsParsedWithTheFrameUntouched()
    {
        const string Frame = """{"type":"message","channel":"room-1","offset":42,"epoch":"a1b2","id":"m 1","data":"x y"}""";

        Assert.True(LiveMessage.TryParse(Encoding.UTF8.GetBytes("42 a1b2 " + Frame), out var message));

        Assert.Equal(42, message.Offset);
        Assert.Equal("a1b2", message.Epoch);
        Assert.Equal(Frame, Encoding.UTF8.GetString(message.Frame.Span));
    }

    [Fact]
    public void TheLargestOffsetParses()
    {
        Assert.True(LiveMessage.TryParse(Encoding.UTF8.GetBytes($"{long.MaxValue} e {{}}"), out var message));
        Assert.Equal(long.MaxValue, message.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("42")]
    [InlineData("42 ")]
    [InlineData("42 epoch")]
    [InlineData(" 42 epoch {}")]
    [InlineData("x epoch {}")]
    [InlineData("42x epoch {}")]
    [InlineData("42  {}")]
    [InlineData("99999999999999999999 epoch {}")]
    [InlineData("{\"type\":\"message\"}")]
    public void AMalformedPayloadIsRefused(string payload) =>
        Assert.False(LiveMessage.TryParse(Encoding.UTF8.GetBytes(payload), out _), $"'{payload}' was accepted");
}
