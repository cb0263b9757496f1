using System.Buffers.Text;
using System.Text;

namespace VibeZ.Gateway.Channels;

/// <summary>
/// The live feed's wire format, written by the publish script: <c>offset epoch frame</c>. The header lets a Gateway
/// order and dedupe a message without parsing its JSON, and the frame goes to clients as it is.
/// </summary>
internal static class LiveMessage
{
    public static bool TryParse(byte[] payload, out ChannelMessage message)
    {
        message = null!;
        var span = payload.AsSpan();
        var first = span.IndexOf((byte)' ');
        if (first <= 0 || !Utf8Parser.TryParse(span[..first], out long offset, out var consumed) || consumed != first)
        {
            return false;
        }

        var second = span[(first + 1)..].IndexOf((byte)' ');
        if (second <= 0)
        {
            return false;
        }

        var epoch = Encoding.UTF8.GetString(span.Slice(first + 1, second));
        message = new ChannelMessage(epoch, offset, payload.AsMemory(first + second + 2));
        return true;
    }
}
