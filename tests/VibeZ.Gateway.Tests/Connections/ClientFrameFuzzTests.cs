using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using VibeZ.Gateway.Connections;

namespace VibeZ.Gateway.Tests.Connections;

/// <summary>
/// Hostile input for the frame parser, generated: whatever bytes or JSON a client sends, the Gateway gets a frame or an
/// <c>error</c> frame with a known code, bounded in size, and no exception escapes.
/// </summary>
public sealed class ClientFrameFuzzTests
{
    // An error frame repeats at most a truncated channel and an id of at most 128 characters; anything larger echoes input.
    private const int MaxErrorFrameBytes = 2048;

    private static readonly HashSet<string> Codes = [.. typeof(GatewayErrorCodes).GetFields().Select(f => (string)f.GetValue(null)!)];

    private static readonly string[] ValidFrames =
    [
        """{"type":"subscribe","channel":"room-1"}""",
        """{"type":"subscribe","channel":"room-1","since":{"offset":41,"epoch":"e"}}""",
        """{"type":"unsubscribe","channel":"room-1"}""",
        """{"type":"publish","channel":"room-1","data":{"text":"hi","n":[1,2.5,null,true]},"id":"m-1"}""",
        """{"type":"connect","token":"a.b.c"}""",
        """{"type":"refresh","token":"a.b.c","id":"r"}""",
    ];

    private static readonly string[] Keys = ["type", "channel", "since", "offset", "epoch", "id", "data", "token", "", "TYPE", "type\u0000"];

    private static readonly string[] Strings =
    [
        "subscribe", "unsubscribe", "publish", "connect", "refresh", "$system", "room-1", "", " ", "room 1", "\ud83d\ude00",
        "\\ud800", new string('x', 129), new string('c', 5000), "\u0000", "-1", "9223372036854775808",
    ];

    private static readonly Gen<JsonNode?> Scalar = Gen.OneOf<JsonNode?>(
        Gen.OneOf(Strings).Select(s => (JsonNode?)JsonValue.Create(s)),
        Gen.String.Select(s => (JsonNode?)JsonValue.Create(s)),
        Gen.Long.Select(n => (JsonNode?)JsonValue.Create(n)),
        Gen.Double.Select(d => double.IsFinite(d) ? (JsonNode?)JsonValue.Create(d) : JsonValue.Create(0.5)),
        Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)),
        Gen.Const(() => (JsonNode?)null));

    private static readonly Gen<JsonNode?> Value = Gen.Recursive<JsonNode?>((depth, value) => depth >= 3
        ? Scalar
        : Gen.Frequency(
            (4, Scalar),
            (1, value.List[0, 4].Select(items => (JsonNode?)new JsonArray([.. items]))),
            (2, Gen.Select(Gen.OneOf(Keys), value).List[0, 5].Select(ToObject))));

    private static readonly Gen<JsonNode?> Frame = Gen.Select(Gen.OneOf(Keys), Value).List[0, 8].Select(ToObject);

    [Fact]
    public void AnyBytesGiveAFrameOrABoundedErrorFrame() =>
        Gen.Byte.Array[0, 600].Sample(Holds, iter: 20_000);

    [Fact]
    public void ValidFramesWithBytesChangedGiveAFrameOrABoundedErrorFrame() =>
        Gen.Select(Gen.OneOf(ValidFrames), Gen.Select(Gen.Int[0, 1000], Gen.Byte).Array[1, 6])
            .Select(Mutate)
            .Sample(Holds, iter: 20_000);

    [Fact]
    public void AnyJsonObjectGivesAFrameOrABoundedErrorFrame() =>
        Frame.Select(node => Encoding.UTF8.GetBytes(node!.ToJsonString())).Sample(Holds, iter: 20_000);

    private static JsonNode? ToObject(IEnumerable<(string Key, JsonNode? Value)> members)
    {
        var result = new JsonObject();
        foreach (var (key, value) in members)
        {
            result[key] = value?.DeepClone();
        }

        return result;
    }

    private static byte[] Mutate((string Frame, (int At, byte Value)[] Changes) input)
    {
        var bytes = Encoding.UTF8.GetBytes(input.Frame);
        foreach (var (at, value) in input.Changes)
        {
            bytes[at % bytes.Length] = value;
        }

        return bytes;
    }

    private static void Holds(byte[] input)
    {
        if (ClientFrame.TryParse(input, out var frame, out var error))
        {
            Assert.Contains(frame.Type, (string[])[ClientFrame.Subscribe, ClientFrame.Unsubscribe, ClientFrame.Publish, ClientFrame.Connect, ClientFrame.Refresh]);
            return;
        }

        if (error.Length > MaxErrorFrameBytes)
        {
            Assert.Fail($"An error frame of {error.Length} bytes: {Encoding.UTF8.GetString(error)[..200]}…");
        }

        using var document = JsonDocument.Parse(error);
        var root = document.RootElement;
        Assert.Equal("error", root.GetProperty("type").GetString());
        Assert.Contains(root.GetProperty("code").GetString()!, Codes);
    }
}
