using System.Buffers;
using System.Text.Json;

namespace VibeZ.Gateway.Channels;

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

    public static byte[] Ack(string id, string channel, ChannelPosition position) => Write(writer =>
    {
        writer.WriteString("type", "ack");
        writer.WriteString("id", id);
        writer.WriteString("channel", channel);
        writer.WriteNumber("offset", position.Offset);
        writer.WriteString("epoch", position.Epoch);
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

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
