using System.Text;
using System.Text.Json.Nodes;
using VibeZ.Gateway.Connections;

namespace VibeZ.Gateway.Tests.Connections;

public sealed class ClientFrameTokenTests
{
    [Theory]
    [InlineData("connect")]
    [InlineData("refresh")]
    public void ConnectAndRefreshCarryAToken(string type)
    {
        Assert.True(ClientFrame.TryParse(Encoding.UTF8.GetBytes($$"""{"type":"{{type}}","token":"a.b.c","id":"7"}"""), out var frame, out _));

        Assert.Equal(type, frame.Type);
        Assert.Equal("a.b.c", frame.Token);
        Assert.Equal("7", frame.Id);
    }

    [Theory]
    [InlineData("""{"type":"connect"}""")]
    [InlineData("""{"type":"connect","token":""}""")]
    [InlineData("""{"type":"refresh","token":42}""")]
    public void AConnectOrRefreshWithoutATokenIsAnInvalidFrame(string text)
    {
        Assert.False(ClientFrame.TryParse(Encoding.UTF8.GetBytes(text), out _, out var error));

        Assert.Equal("invalid_frame", (string?)JsonNode.Parse(error)!["code"]);
    }

    [Fact]
    public void AnUnknownTypeNamesConnectAndRefreshAmongTheTypes()
    {
        Assert.False(ClientFrame.TryParse(Encoding.UTF8.GetBytes("""{"type":"hello"}"""), out _, out var error));

        Assert.Contains("connect, subscribe, unsubscribe, publish or refresh", (string?)JsonNode.Parse(error)!["message"]);
    }
}
