using System.Buffers.Text;
using System.Text;

namespace VibeZ.Channels.Delivery;

/// <summary>
/// The live feed's wire format, written by the commit step (<see cref="Storage.ChannelScripts"/>): a sequence of fields, each
/// <c>length:bytes</c> — epoch, committed offset, previous offset, previous id, then offset, id and frame of every
/// message. Lengths make any byte safe in an id or a frame, and the frames go to clients as they are.
/// </summary>
internal static class LiveCommit
{
    public static bool TryParse(ReadOnlyMemory<byte> payload, out ChannelCommit commit)
    {
        commit = null!;
        var reader = new FieldReader(payload);
        if (!reader.TryText(out var epoch) || !reader.TryNumber(out var upTo) || !reader.TryNumber(out var previousOffset) || !reader.TryText(out var previousId))
        {
            return false;
        }

        var messages = new List<ChannelMessage>();
        while (!reader.AtEnd)
        {
            if (!reader.TryNumber(out var offset) || !reader.TryText(out var id) || !reader.TryField(out var frame))
            {
                return false;
            }

            messages.Add(new ChannelMessage(epoch, offset, id, frame));
        }

        var previous = new ChannelMark(new ChannelPosition(epoch, previousOffset), previousId.Length > 0 ? previousId : null);
        commit = new ChannelCommit(epoch, upTo, previous, messages);
        return true;
    }

    private ref struct FieldReader(ReadOnlyMemory<byte> payload)
    {
        private ReadOnlyMemory<byte> _rest = payload;

        public readonly bool AtEnd => _rest.IsEmpty;

        public bool TryField(out ReadOnlyMemory<byte> field)
        {
            field = default;
            var span = _rest.Span;
            var colon = span.IndexOf((byte)':');
            if (colon <= 0 || !Utf8Parser.TryParse(span[..colon], out int length, out var consumed) || consumed != colon
                || length < 0 || length > span.Length - colon - 1)
            {
                return false;
            }

            field = _rest.Slice(colon + 1, length);
            _rest = _rest[(colon + 1 + length)..];
            return true;
        }

        public bool TryText(out string text)
        {
            text = "";
            if (!TryField(out var field))
            {
                return false;
            }

            text = Encoding.UTF8.GetString(field.Span);
            return true;
        }

        public bool TryNumber(out long number)
        {
            number = 0;
            return TryField(out var field) && Utf8Parser.TryParse(field.Span, out number, out var consumed) && consumed == field.Length;
        }
    }
}
