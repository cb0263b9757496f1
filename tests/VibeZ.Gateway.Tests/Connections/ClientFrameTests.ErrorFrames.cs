using System.Text;

namespace VibeZ.Gateway.Tests.Connections;

/// <summary>The error frame a refused frame gets: it echoes what the client can match it by, and never throws, whatever the bytes.</summary>
public sealed partial class ClientFrameTests
{
    [Fact]
    public void AnErrorEchoesAValidIdAndChannelSoTheClientCanMatchIt()
    {
        var error = AssertRefused("""{"type":"subscribe","channel":"room-1","since":5,"id":"s-1"}""", GatewayErrorCodes.InvalidFrame);

        Assert.Equal("s-1", error.GetProperty("id").GetString());
        Assert.Equal("room-1", error.GetProperty("channel").GetString());
    }

    [Fact]
    public void ALongBadChannelIsEchoedShortened()
    {
        var error = AssertRefused($$"""{"type":"subscribe","channel":"{{new string('c', 1000)}}"}""", GatewayErrorCodes.InvalidChannel);

        Assert.Equal(new string('c', 64) + "…", error.GetProperty("channel").GetString());
    }

    [Fact]
    public void ALongUnknownTypeWhoseCutFallsInsideAnEmojiStillGetsAnErrorFrame()
    {
        // Shortening a type or channel to 64 UTF-16 units must not split a surrogate pair: JSON cannot carry half.
        var type = new string('t', 63) + "😀" + "tail";

        var error = AssertRefused($$"""{"type":"{{type}}","channel":"room-1"}""", GatewayErrorCodes.UnknownType);

        Assert.Contains(new string('t', 63), error.GetProperty("message").GetString());
    }

    [Fact]
    public void ALongBadChannelWhoseCutFallsInsideAnEmojiStillGetsAnErrorFrame()
    {
        var error = AssertRefused($$"""{"type":"subscribe","channel":"{{new string('c', 63) + "😀" + "tail"}}"}""", GatewayErrorCodes.InvalidChannel);

        Assert.StartsWith(new string('c', 63), error.GetProperty("channel").GetString());
    }

    [Theory]
    [InlineData("""{"type":"\ud800","channel":"room-1"}""")]
    [InlineData("""{"type":"subscribe","channel":"\ud800"}""")]
    [InlineData("""{"type":"publish","channel":"room-1","data":1,"id":"\udc00"}""")]
    [InlineData("""{"type":"subscribe","channel":"room-1","since":{"offset":1,"epoch":"\ud800"}}""")]
    public void AnEscapedLoneSurrogateGetsAnErrorFrameRatherThanAnException(string text) => AssertRefused(text, code: null);

    [Theory]
    [InlineData("""{"<FF>":1}""")]
    [InlineData("""{"type":"<FF>","channel":"room-1"}""")]
    [InlineData("""{"type":"subscribe","channel":"<FF>"}""")]
    [InlineData("""{"type":"publish","channel":"room-1","data":1,"id":"<FF>"}""")]
    public void BytesThatAreNotUtf8GetAnErrorFrameRatherThanAnException(string template)
    {
        // <FF> marks where a lone 0xFF byte goes: never valid UTF-8. (ASP.NET's WebSocket checks text frames itself,
        // so this is defence in depth; the escaped lone surrogates above do arrive, as valid UTF-8.)
        var at = template.IndexOf("<FF>", StringComparison.Ordinal);
        byte[] utf8 = [.. Encoding.UTF8.GetBytes(template[..at]), 0xFF, .. Encoding.UTF8.GetBytes(template[(at + 4)..])];

        AssertRefused(utf8, code: null);
    }
}
