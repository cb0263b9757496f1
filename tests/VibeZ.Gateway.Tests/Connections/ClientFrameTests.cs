using System.Text;
using System.Text.Json;
using VibeZ.Gateway.Connections;

namespace VibeZ.Gateway.Tests.Connections;

public sealed partial class ClientFrameTests
{
    private static readonly string Id128 = new('i', 128);
    private static readonly string Id129 = new('i', 129);

    [Fact]
    public void ASubscribeNamesItsChannel()
    {
        var frame = Parse("""{"type":"subscribe","channel":"room-1"}""");

        Assert.Equal(new ClientFrame(ClientFrame.Subscribe, "room-1", Since: null, Id: null, Data: null), frame);
    }

    [Fact]
    public void ASubscribeToTheSystemChannelIsValid() =>
        Assert.Equal(ChannelName.System, Parse("""{"type":"subscribe","channel":"$system"}""").Channel);

    [Fact]
    public void ASubscribeWithSinceCarriesTheOffsetAndEpoch() =>
        Assert.Equal(new ChannelPosition("e", 41), Parse("""{"type":"subscribe","channel":"room-1","since":{"offset":41,"epoch":"e"}}""").Since);

    [Fact]
    public void SinceMayStartAtOffsetZeroAndCarryExtraProperties() =>
        Assert.Equal(new ChannelPosition("e", 0), Parse("""{"type":"subscribe","channel":"room-1","since":{"epoch":"e","offset":0,"note":1}}""").Since);

    [Fact]
    public void ANullSinceIsNoSince() =>
        Assert.Null(Parse("""{"type":"subscribe","channel":"room-1","since":null}""").Since);

    [Fact]
    public void SinceIsIgnoredOutsideSubscribe() =>
        Assert.Null(Parse("""{"type":"unsubscribe","channel":"room-1","since":"anything"}""").Since);

    [Theory]
    [InlineData("room-1")]
    [InlineData("$system")]
    public void AnUnsubscribeNamesItsChannel(string channel) =>
        Assert.Equal(new ClientFrame(ClientFrame.Unsubscribe, channel, null, null, null), Parse($$"""{"type":"unsubscribe","channel":"{{channel}}"}"""));

    [Theory]
    [InlineData("""{"n":1,"tags":["a","b"]}""")]
    [InlineData("""[1,2,3]""")]
    [InlineData("\"text\"")]
    [InlineData("42.5")]
    [InlineData("true")]
    [InlineData("null")]
    public void APublishCarriesAnyJsonValueAsData(string data)
    {
        var frame = Parse($$"""{"type":"publish","channel":"room-1","data":{{data}},"id":"m-1"}""");

        Assert.Equal(new ClientFrame(ClientFrame.Publish, "room-1", null, "m-1", data), frame);
    }

    [Fact]
    public void APublishWithoutIdIsValid() => Assert.Null(Parse("""{"type":"publish","channel":"room-1","data":1}""").Id);

    [Fact]
    public void ANullIdIsNoId() => Assert.Null(Parse("""{"type":"publish","channel":"room-1","data":1,"id":null}""").Id);

    [Fact]
    public void AnIdOf128CharactersIsValid() => Assert.Equal(Id128, Parse($$"""{"type":"publish","channel":"room-1","data":1,"id":"{{Id128}}"}""").Id);

    [Fact]
    public void PropertiesMayComeInAnyOrderWithUnknownOnesIgnored() =>
        Assert.Equal(
            new ClientFrame(ClientFrame.Publish, "room-1", null, "m-1", "{}"),
            Parse("""{"data":{},"extra":[1],"id":"m-1","channel":"room-1","type":"publish"}"""));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("""{"type":"subscribe","channel":"room-1",}""")]
    [InlineData("""{"type":"subscribe" /* comment */,"channel":"room-1"}""")]
    [InlineData("""{'type':'subscribe'}""")]
    [InlineData("""{"type":"subscribe","channel":"room-1"} {}""")]
    public void TextThatIsNotJsonIsInvalidJson(string text) => AssertRefused(text, GatewayErrorCodes.InvalidJson);


    [Fact]
    public void JsonNestedDeeperThanTheParserAllowsIsInvalidJson() =>
        AssertRefused("""{"type":"publish","channel":"room-1","data":""" + new string('[', 100) + new string(']', 100) + "}", GatewayErrorCodes.InvalidJson);

    [Theory]
    [InlineData("[]")]
    [InlineData("\"subscribe\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("""{"channel":"room-1"}""")]
    [InlineData("""{"type":5,"channel":"room-1"}""")]
    [InlineData("""{"type":null,"channel":"room-1"}""")]
    [InlineData("""{"type":["subscribe"],"channel":"room-1"}""")]
    public void AFrameWithoutATypeStringIsInvalid(string text) => AssertRefused(text, GatewayErrorCodes.InvalidFrame);

    [Theory]
    [InlineData("publsh")]
    [InlineData("")]
    [InlineData("SUBSCRIBE")]
    [InlineData("message")]
    [InlineData("ack")]
    public void AnUnknownTypeIsRefused(string type) =>
        AssertRefused($$"""{"type":"{{type}}","channel":"room-1"}""", GatewayErrorCodes.UnknownType);

    [Theory]
    [InlineData("subscribe", """ "channel":"room 1" """)]
    [InlineData("subscribe", """ "channel":"" """)]
    [InlineData("subscribe", """ "channel":5 """)]
    [InlineData("subscribe", """ "channel":null """)]
    [InlineData("subscribe", """ "other":"room-1" """)]
    [InlineData("subscribe", """ "channel":"$other" """)]
    [InlineData("unsubscribe", """ "channel":"room/1" """)]
    [InlineData("publish", """ "channel":"räum","data":1 """)]
    [InlineData("publish", """ "data":1 """)]
    public void ABadChannelNameIsRefused(string type, string rest) =>
        AssertRefused($$"""{"type":"{{type}}",{{rest}}}""", GatewayErrorCodes.InvalidChannel);

    [Fact]
    public void AChannelNameOf128CharactersIsValidAnd129IsNot()
    {
        Assert.Equal(new string('c', 128), Parse($$"""{"type":"subscribe","channel":"{{new string('c', 128)}}"}""").Channel);
        AssertRefused($$"""{"type":"subscribe","channel":"{{new string('c', 129)}}"}""", GatewayErrorCodes.InvalidChannel);
    }

    [Theory]
    [InlineData("""{"type":"subscribe","channel":"room-1\n"}""")]
    [InlineData("""{"type":"publish","channel":"room-1\n","data":1}""")]
    public void AChannelNameEndingInALineBreakIsRefused(string text) => AssertRefused(text, GatewayErrorCodes.InvalidChannel);

    [Fact]
    public void PublishingToTheSystemChannelIsReserved()
    {
        var error = AssertRefused("""{"type":"publish","channel":"$system","data":1,"id":"m-1"}""", GatewayErrorCodes.ReservedChannel);

        Assert.Equal("m-1", error.GetProperty("id").GetString());
        Assert.Equal("$system", error.GetProperty("channel").GetString());
    }

    [Fact]
    public void APublishWithoutDataIsInvalid() =>
        AssertRefused("""{"type":"publish","channel":"room-1","id":"m-1"}""", GatewayErrorCodes.InvalidFrame);

    [Theory]
    [InlineData("\"\"")]
    [InlineData("5")]
    [InlineData("true")]
    [InlineData("{}")]
    [InlineData("[\"m-1\"]")]
    public void AnIdThatIsNotANonEmptyStringIsInvalid(string id) =>
        AssertRefused($$"""{"type":"publish","channel":"room-1","data":1,"id":{{id}}}""", GatewayErrorCodes.InvalidFrame);

    [Fact]
    public void AnIdOf129CharactersIsInvalid() =>
        AssertRefused($$"""{"type":"publish","channel":"room-1","data":1,"id":"{{Id129}}"}""", GatewayErrorCodes.InvalidFrame);

    [Theory]
    [InlineData("5")]
    [InlineData("\"41\"")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("""{"offset":41}""")]
    [InlineData("""{"epoch":"e"}""")]
    [InlineData("""{"offset":-1,"epoch":"e"}""")]
    [InlineData("""{"offset":1.5,"epoch":"e"}""")]
    [InlineData("""{"offset":"41","epoch":"e"}""")]
    [InlineData("""{"offset":1e30,"epoch":"e"}""")]
    [InlineData("""{"offset":9223372036854775807,"epoch":"e"}""")]
    [InlineData("""{"offset":9007199254740992,"epoch":"e"}""")]
    [InlineData("""{"offset":41,"epoch":5}""")]
    [InlineData("""{"offset":41,"epoch":null}""")]
    public void AMalformedSinceIsInvalid(string since) =>
        AssertRefused($$"""{"type":"subscribe","channel":"room-1","since":{{since}}}""", GatewayErrorCodes.InvalidFrame);

    [Fact]
    public void ASubscribeMayAskForPresence() =>
        Assert.True(Parse("""{"type":"subscribe","channel":"room-1","presence":true}""").Presence);

    [Theory]
    [InlineData("""{"type":"subscribe","channel":"room-1"}""")]
    [InlineData("""{"type":"subscribe","channel":"room-1","presence":false}""")]
    [InlineData("""{"type":"subscribe","channel":"room-1","presence":null}""")]
    [InlineData("""{"type":"unsubscribe","channel":"room-1","presence":"anything"}""")]
    public void PresenceIsOffUnlessASubscribeSaysTrue(string text) => Assert.False(Parse(text).Presence);

    [Theory]
    [InlineData("\"true\"")]
    [InlineData("1")]
    [InlineData("{}")]
    [InlineData("[true]")]
    public void APresenceThatIsNotABooleanIsInvalid(string presence) =>
        AssertRefused($$"""{"type":"subscribe","channel":"room-1","presence":{{presence}}}""", GatewayErrorCodes.InvalidFrame);

    [Fact]
    public void TheSystemChannelHasNoPresence() =>
        AssertRefused("""{"type":"subscribe","channel":"$system","presence":true}""", GatewayErrorCodes.InvalidFrame);

    private static ClientFrame Parse(string text)
    {
        Assert.True(ClientFrame.TryParse(Encoding.UTF8.GetBytes(text), out var frame, out var error), $"{text} was refused: {(error is null ? "" : Encoding.UTF8.GetString(error))}");
        return frame;
    }

    private static JsonElement AssertRefused(string text, string? code) => AssertRefused(Encoding.UTF8.GetBytes(text), code);

    /// <summary>
    /// Asserts the input is refused, without an exception, with an error frame of <paramref name="code"/> (any code
    /// when null), and returns the frame.
    /// </summary>
    private static JsonElement AssertRefused(byte[] utf8, string? code)
    {
        bool parsed;
        ClientFrame? frame;
        byte[]? error;
        try
        {
            parsed = ClientFrame.TryParse(utf8, out frame, out error);
        }
        catch (Exception ex)
        {
            Assert.Fail($"Parsing {Encoding.UTF8.GetString(utf8)} threw {ex.GetType().Name}: {ex.Message}");
            throw;
        }

        Assert.False(parsed, $"{Encoding.UTF8.GetString(utf8)} was accepted as {frame}");
        var root = AssertErrorFrame(error!);
        if (code is not null)
        {
            Assert.Equal(code, root.GetProperty("code").GetString());
        }

        return root;
    }

    /// <summary>Asserts <paramref name="error"/> is a valid JSON error frame a client can act on, and returns it.</summary>
    private static JsonElement AssertErrorFrame(byte[] error)
    {
        using var document = JsonDocument.Parse(error);
        var root = document.RootElement.Clone();
        Assert.Equal("error", root.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("message").GetString()));
        Assert.Equal(JsonValueKind.False, root.GetProperty("retryable").ValueKind);
        return root;
    }
}
