using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace VibeZ.Gateway.Connections;

/// <summary>
/// A frame a client sent, checked: a <c>subscribe</c>, <c>unsubscribe</c> or <c>publish</c>, or a <c>connect</c> or
/// <c>refresh</c> that carries a token.
/// </summary>
/// <param name="Type">The frame's type.</param>
/// <param name="Channel">The channel it names; empty for <c>connect</c> and <c>refresh</c>.</param>
/// <param name="Since">For a subscribe, where the client left off.</param>
/// <param name="Id">For a publish, the client's message id (or null).</param>
/// <param name="Data">For a publish, the data as JSON text.</param>
internal sealed record ClientFrame(string Type, string Channel, ChannelPosition? Since, string? Id, string? Data)
{
    public const string Subscribe = "subscribe";
    public const string Unsubscribe = "unsubscribe";
    public const string Publish = "publish";
    public const string Connect = "connect";
    public const string Refresh = "refresh";

    private const string Types = "connect, subscribe, unsubscribe, publish or refresh";

    /// <summary>Gets the token of a <c>connect</c> or <c>refresh</c>.</summary>
    public string? Token { get; init; }

    /// <summary>Gets whether a subscribe asked for presence: to be listed, and to receive <c>join</c> and <c>leave</c> frames.</summary>
    public bool Presence { get; init; }

    /// <summary>Parses and checks one text frame; on failure <paramref name="error"/> is the <c>error</c> frame to send.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> utf8, [NotNullWhen(true)] out ClientFrame? frame, [NotNullWhen(false)] out byte[]? error)
    {
        try
        {
            return TryParseCore(utf8, out frame, out error);
        }
        catch (InvalidOperationException ex)
        {
            // JSON can escape a lone surrogate ("\ud800") that no string can hold, and its bytes need not be UTF-8:
            // JsonElement.GetString throws on both, and a frame that cannot be read is still only an error frame.
            frame = null;
            error = ServerFrames.Error(null, null, GatewayErrorCodes.InvalidJson, "The frame holds text that is not valid Unicode: " + ex.Message, retryable: false);
            return false;
        }
    }

    private static bool TryParseCore(ReadOnlyMemory<byte> utf8, [NotNullWhen(true)] out ClientFrame? frame, [NotNullWhen(false)] out byte[]? error)
    {
        frame = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8);
        }
        catch (JsonException ex)
        {
            // Where, not what: the parser's message quotes the offending bytes, and an error frame never echoes input.
            error = ServerFrames.Error(
                null, null, GatewayErrorCodes.InvalidJson, $"The frame is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}).", retryable: false);
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = Invalid(null, null, "A frame is a JSON object with a \"type\".");
                return false;
            }

            var id = OptionalString(root, "id", out var idError);
            if (idError is not null)
            {
                error = Invalid(null, null, idError);
                return false;
            }

            if (!root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
            {
                error = Invalid(id, null, $"A frame needs a \"type\": {Types}.");
                return false;
            }

            var type = typeElement.GetString()!;
            if (type is Connect or Refresh)
            {
                return TryReadToken(root, type, id, out frame, out error);
            }

            if (type is not (Subscribe or Unsubscribe or Publish))
            {
                error = ServerFrames.Error(id, null, GatewayErrorCodes.UnknownType, $"Unknown frame type '{Truncate(type)}'; use {Types}.", retryable: false);
                return false;
            }

            var channel = root.TryGetProperty("channel", out var channelElement) && channelElement.ValueKind == JsonValueKind.String ? channelElement.GetString() : null;
            if (!ChannelName.TryValidate(channel, allowReserved: type != Publish, out var channelError))
            {
                var code = channel == ChannelName.System ? GatewayErrorCodes.ReservedChannel : GatewayErrorCodes.InvalidChannel;
                error = ServerFrames.Error(id, channel is null ? null : Truncate(channel), code, channelError, retryable: false);
                return false;
            }

            ChannelPosition? since = null;
            if (type == Subscribe && root.TryGetProperty("since", out var sinceElement) && sinceElement.ValueKind != JsonValueKind.Null)
            {
                if (!TryReadPosition(sinceElement, out since))
                {
                    error = Invalid(id, channel, $"\"since\" is {{\"offset\": a whole number from 0 to {GatewayDefaults.MaxOffset}, \"epoch\": a string}}.");
                    return false;
                }
            }

            var presence = false;
            if (type == Subscribe && root.TryGetProperty("presence", out var presenceElement) && presenceElement.ValueKind != JsonValueKind.Null)
            {
                if (presenceElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    error = Invalid(id, channel, "\"presence\" is true or false.");
                    return false;
                }

                presence = presenceElement.ValueKind == JsonValueKind.True;
                if (presence && channel == ChannelName.System)
                {
                    error = Invalid(id, channel, $"{ChannelName.System} has no presence.");
                    return false;
                }
            }

            string? data = null;
            if (type == Publish)
            {
                if (!root.TryGetProperty("data", out var dataElement))
                {
                    error = Invalid(id, channel, "A publish needs \"data\" (any JSON value).");
                    return false;
                }

                data = dataElement.GetRawText();
            }

            frame = new ClientFrame(type, channel, since, id, data) { Presence = presence };
            error = null;
            return true;
        }
    }

    private static bool TryReadToken(JsonElement root, string type, string? id, [NotNullWhen(true)] out ClientFrame? frame, [NotNullWhen(false)] out byte[]? error)
    {
        frame = null;
        error = null;
        if (!root.TryGetProperty("token", out var token) || token.ValueKind != JsonValueKind.String || token.GetString() is not { Length: > 0 } text)
        {
            // Never echo what was sent: it may be a token.
            error = Invalid(id, null, $"A {type} frame needs a \"token\": the client's JWT, as a string.");
            return false;
        }

        frame = new ClientFrame(type, string.Empty, null, id, null) { Token = text };
        return true;
    }

    private static bool TryReadPosition(JsonElement element, [NotNullWhen(true)] out ChannelPosition? position)
    {
        position = null;
        if (element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty("offset", out var offset) || offset.ValueKind != JsonValueKind.Number || !offset.TryGetInt64(out var value) || value < 0 || value > GatewayDefaults.MaxOffset
            || !element.TryGetProperty("epoch", out var epoch) || epoch.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        position = new ChannelPosition(epoch.GetString()!, value);
        return true;
    }

    private static string? OptionalString(JsonElement root, string name, out string? error)
    {
        error = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var value = element.ValueKind == JsonValueKind.String ? element.GetString() : null;
        if (string.IsNullOrEmpty(value) || value.Length > GatewayDefaults.MaxMessageIdLength)
        {
            error = $"\"{name}\" is a string of 1 to {GatewayDefaults.MaxMessageIdLength} characters.";
            return null;
        }

        return value;
    }

    private static byte[] Invalid(string? id, string? channel, string message) =>
        ServerFrames.Error(id, channel, GatewayErrorCodes.InvalidFrame, message, retryable: false);

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
