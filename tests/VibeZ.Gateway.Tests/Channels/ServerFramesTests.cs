using System.Text;
using System.Text.Json;

namespace VibeZ.Gateway.Tests.Channels;

/// <summary>The frames of the protocol in issue 4, byte for byte.</summary>
public sealed class ServerFramesTests
{
    [Theory]
    [InlineData(true, "true")]
    [InlineData(false, "false")]
    public void SubscribedHasTheChannelLatestOffsetEpochRecoveredAndNode(bool recovered, string json) => Assert.Equal(
        $$"""{"type":"subscribed","channel":"room-1","offset":41,"epoch":"e","recovered":{{json}},"node":"gw-1"}""",
        Text(ServerFrames.Subscribed("room-1", new("e", 41), recovered, "gw-1")));

    [Fact]
    public void AckHasTheIdChannelAndOffsetThenTheEpoch() => Assert.Equal(
        """{"type":"ack","id":"m-1","channel":"room-1","offset":42,"epoch":"e"}""",
        Text(ServerFrames.Ack("m-1", "room-1", new("e", 42))));

    [Fact]
    public void ErrorHasTheIdCodeMessageAndRetryable() => Assert.Equal(
        """{"type":"error","id":"m-1","channel":"room-1","code":"not_replicated","message":"try again","retryable":true}""",
        Text(ServerFrames.Error("m-1", "room-1", "not_replicated", "try again", retryable: true)));

    [Fact]
    public void AnErrorWithoutIdOrChannelLeavesThemOut() => Assert.Equal(
        """{"type":"error","code":"invalid_json","message":"bad","retryable":false}""",
        Text(ServerFrames.Error(null, null, "invalid_json", "bad", retryable: false)));

    [Fact]
    public void UnsubscribedNamesTheChannel() => Assert.Equal(
        """{"type":"unsubscribed","channel":"room-1"}""",
        Text(ServerFrames.Unsubscribed("room-1")));

    [Fact]
    public void TextFromTheClientIsEscapedSoTheFrameStaysValidJson()
    {
        const string Nasty = "quote \" backslash \\ newline \n tab \t control \u0001 </script> é 😀";

        var frame = ServerFrames.Error(Nasty, Nasty, "invalid_frame", Nasty, retryable: false);

        using var document = JsonDocument.Parse(frame);
        Assert.Equal(Nasty, document.RootElement.GetProperty("id").GetString());
        Assert.Equal(Nasty, document.RootElement.GetProperty("channel").GetString());
        Assert.Equal(Nasty, document.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public void FramesWrittenOneAfterAnotherDoNotShareBytes()
    {
        var first = ServerFrames.Ack("m-1", "room-1", new("e", 1));
        var error = ServerFrames.Error("m-2", "room-1", "invalid_frame", new string('x', 10_000), retryable: false);
        var second = ServerFrames.Ack("m-3", "room-2", new("e", 3));

        Assert.Equal("""{"type":"ack","id":"m-1","channel":"room-1","offset":1,"epoch":"e"}""", Text(first));
        Assert.Equal(10_000, JsonDocument.Parse(error).RootElement.GetProperty("message").GetString()!.Length);
        Assert.Equal("""{"type":"ack","id":"m-3","channel":"room-2","offset":3,"epoch":"e"}""", Text(second));
    }

    private static string Text(byte[] frame) => Encoding.UTF8.GetString(frame);
}
