using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using VibeZ.Channels.Storage;

namespace VibeZ.Gateway.Tests.Channels.Storage;

/// <summary>
/// What an append sends to Redis for each message: the publisher's id escaped exactly as JsonSerializer writes it, and
/// the data hash the dedupe keys of earlier Gateways hold.
/// </summary>
public sealed class AppendArgumentsTests
{
    [Theory]
    [InlineData("m-1")]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("a.b:c_d-E")]
    [InlineData("")]
    [InlineData("with space")]
    [InlineData("quote \" backslash \\ slash /")]
    [InlineData("newline \n tab \t control \u0001")]
    [InlineData("</script> & 'x' +1 `y`")]
    [InlineData("é ü ß 中文 😀")]
    public void AnIdIsEscapedAsTheSerializerEscapesIt(string id) =>
        Assert.Equal(JsonSerializer.Serialize(id), "\"" + RedisChannelStore.JsonText(id) + "\"");

    [Fact]
    public void AnIdThatNeedsNoEscapingIsUsedAsItIs()
    {
        var id = Guid.NewGuid().ToString("N");

        Assert.Same(id, RedisChannelStore.JsonText(id));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"text\":\"é 😀\"}")]
    public void TheDataHashIsTheHexOfXxHash128OfTheUtf8Bytes(string data) => Assert.Equal(
        Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes(data))),
        RedisChannelStore.DataHash(data));

    [Fact]
    public void TheDataHashOfLargeDataIsTheSameToo()
    {
        var data = "\"" + new string('é', 40_000) + "\"";

        Assert.Equal(Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes(data))), RedisChannelStore.DataHash(data));
    }
}
