using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace VibeZ.Channels.Broadcasts;

/// <summary>
/// Reads <c>{"channel","data","id","deliverAt","delayMs"}</c> into a <see cref="BroadcastRequest"/>, or says which
/// field is wrong. Everything is checked before anything is stored.
/// </summary>
internal static partial class BroadcastRequestReader
{
    private const long MaxDelayMilliseconds = 100L * 365 * 86_400_000;

    public static bool TryRead(
        JsonElement body,
        DateTimeOffset now,
        TimeSpan maxDelay,
        int maxDataBytes,
        [NotNullWhen(true)] out BroadcastRequest? request,
        [NotNullWhen(false)] out BroadcastInputError? error)
    {
        request = null;
        if (body.ValueKind != JsonValueKind.Object)
        {
            error = new(string.Empty, "the body is a JSON object with channel and data");
            return false;
        }

        string? channel = body.TryGetProperty("channel", out var channelValue) && channelValue.ValueKind == JsonValueKind.String
            ? channelValue.GetString()
            : null;
        if (!ChannelName.TryValidate(channel, allowReserved: false, out var channelError))
        {
            error = new("channel", channelError);
            return false;
        }

        if (!body.TryGetProperty("data", out var data) || data.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            error = new("data", "data is required: any JSON value but null");
            return false;
        }

        var raw = data.GetRawText();
        if (Encoding.UTF8.GetByteCount(raw) > maxDataBytes)
        {
            error = new("data", $"data is limited to {maxDataBytes} bytes");
            return false;
        }

        string id;
        if (!body.TryGetProperty("id", out var idValue) || idValue.ValueKind == JsonValueKind.Null)
        {
            id = Guid.NewGuid().ToString("N");
        }
        else if (idValue.ValueKind != JsonValueKind.String || !IdPattern().IsMatch(idValue.GetString()!))
        {
            error = new("id", $"id is 1 to {BroadcastDefaults.MaxIdLength} characters of A-Z, a-z, 0-9, ':', '_', '.', '-'");
            return false;
        }
        else
        {
            id = idValue.GetString()!;
        }

        if (!TryReadTime(body, now, out var deliverAt, out error))
        {
            return false;
        }

        if (deliverAt - now > maxDelay)
        {
            error = new(body.TryGetProperty("delayMs", out _) ? "delayMs" : "deliverAt",
                $"a broadcast is scheduled at most {maxDelay.TotalSeconds} seconds ahead (Broadcasts:MaxDelaySeconds)");
            return false;
        }

        // A time in the past means now: the broadcast is late already, and never delivered before it is stored.
        request = new BroadcastRequest(id, channel, raw, deliverAt < now ? now : deliverAt);
        error = null;
        return true;
    }

    private static bool TryReadTime(JsonElement body, DateTimeOffset now, out DateTimeOffset deliverAt, [NotNullWhen(false)] out BroadcastInputError? error)
    {
        deliverAt = now;
        error = null;
        var hasAt = body.TryGetProperty("deliverAt", out var at) && at.ValueKind != JsonValueKind.Null;
        var hasDelay = body.TryGetProperty("delayMs", out var delay) && delay.ValueKind != JsonValueKind.Null;
        if (hasAt && hasDelay)
        {
            error = new("delayMs", "give deliverAt or delayMs, not both");
            return false;
        }

        if (hasAt)
        {
            // An ISO-8601 time with an offset: without one, "when" would depend on the server's time zone.
            if (at.ValueKind != JsonValueKind.String || !at.TryGetDateTimeOffset(out deliverAt) || !HasOffset(at.GetString()!))
            {
                error = new("deliverAt", "deliverAt is an ISO-8601 time with an offset, like 2026-12-05T10:00:00Z");
                return false;
            }
        }
        else if (hasDelay)
        {
            if (delay.ValueKind != JsonValueKind.Number || !delay.TryGetInt64(out var milliseconds) || milliseconds < 0)
            {
                error = new("delayMs", "delayMs is a whole number of milliseconds from 0");
                return false;
            }

            // Past any limit anyway; capped so the addition cannot overflow DateTimeOffset.
            deliverAt = milliseconds > MaxDelayMilliseconds ? DateTimeOffset.MaxValue : now.AddMilliseconds(milliseconds);
        }

        return true;
    }

    private static bool HasOffset(string time) => time.EndsWith('Z') || time.EndsWith('z') || OffsetPattern().IsMatch(time);

    [GeneratedRegex(@"^[A-Za-z0-9:_.\-]{1,128}\z")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"[+-]\d\d:?\d\d\z")]
    private static partial Regex OffsetPattern();
}
