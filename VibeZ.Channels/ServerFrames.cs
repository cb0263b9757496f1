using System.Buffers;
using System.Text.Json;

namespace VibeZ.Channels;

/// <summary>Writes the frames the Gateway sends (other than <c>message</c>, which the publish script writes).</summary>
internal static class ServerFrames
{
    public static byte[] Subscribed(string channel, ChannelPosition position, bool recovered, string node) => Write(writer =>
    {
        writer.WriteString("type", "subscribed");
        writer.WriteString("channel", channel);
        writer.WriteNumber("offset", position.Offset);
        writer.WriteString("epoch", position.Epoch);
        writer.WriteBoolean("recovered", recovered);
        writer.WriteString("node", node);
    });

    public static byte[] Unsubscribed(string channel) => Write(writer =>
    {
        writer.WriteString("type", "unsubscribed");
        writer.WriteString("channel", channel);
    });

    public static byte[] Ack(string id, string channel, ChannelPosition position) => Write((id, channel, position), static (writer, ack) =>
    {
        writer.WriteString("type", "ack");
        writer.WriteString("id", ack.id);
        writer.WriteString("channel", ack.channel);
        writer.WriteNumber("offset", ack.position.Offset);
        writer.WriteString("epoch", ack.position.Epoch);
    });

    /// <summary>Answers a <c>connect</c>: who the client is and when its token expires (seconds since 1970).</summary>
    public static byte[] Connected(string subject, DateTimeOffset? expires) => Write(writer =>
    {
        writer.WriteString("type", "connected");
        writer.WriteString("sub", subject);
        WriteTime(writer, "expires", expires);
    });

    /// <summary>Answers a <c>refresh</c> that carried a valid token.</summary>
    public static byte[] Refreshed(DateTimeOffset? expires) => Write(writer =>
    {
        writer.WriteString("type", "refreshed");
        WriteTime(writer, "expires", expires);
    });

    /// <summary>Asks for a new token: without one by <paramref name="deadline"/>, the connection is closed.</summary>
    public static byte[] RefreshRequest(DateTimeOffset deadline) => Write(writer =>
    {
        writer.WriteString("type", "refresh");
        WriteTime(writer, "deadline", deadline);
    });

    public static byte[] Error(string? id, string? channel, string code, string message, bool retryable) => Write(writer =>
    {
        writer.WriteString("type", "error");
        if (id is not null)
        {
            writer.WriteString("id", id);
        }

        if (channel is not null)
        {
            writer.WriteString("channel", channel);
        }

        writer.WriteString("code", code);
        writer.WriteString("message", message);
        writer.WriteBoolean("retryable", retryable);
    });

    private static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset? time)
    {
        if (time is { } value)
        {
            writer.WriteNumber(name, value.ToUnixTimeSeconds());
        }
    }

    private static byte[] Write(Action<Utf8JsonWriter> body) => Write(body, static (writer, body) => body(writer));

    // One writer and buffer per thread, reset for each frame: a publish's ack then allocates only the frame itself.
    // Nothing in a frame awaits, so a thread never writes two frames at once.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _threadBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? _threadWriter;

    // A buffer that grew past this for an unusually long frame is dropped instead of kept by the thread.
    private const int KeptBufferBytes = 4096;

    private static byte[] Write<TState>(TState state, Action<Utf8JsonWriter, TState> body)
    {
        var buffer = _threadBuffer is { Capacity: <= KeptBufferBytes } kept ? kept : _threadBuffer = new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        var writer = _threadWriter ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        writer.WriteStartObject();
        body(writer, state);
        writer.WriteEndObject();
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
