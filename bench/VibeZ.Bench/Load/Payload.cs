using System.Buffers.Text;

namespace VibeZ.Bench.Load;

/// <summary>
/// The application data every system carries, the same bytes for all three: a JSON object of exactly
/// <c>size</c> bytes, <c>{"b":"TTTTTTTTTTTT.SSSSSSSSSS.KKKK.QQ.pad"}</c>, whose fixed-width fields are the intended send
/// time in microseconds (<see cref="BenchClock"/>), the publisher's sequence number, the step and the publisher. Fixed
/// offsets let a publisher rewrite the digits in place and a subscriber read them without parsing JSON.
/// </summary>
internal static class Payload
{
    private const int TimeDigits = 12;
    private const int SequenceDigits = 10;
    private const int StepDigits = 4;
    private const int PublisherDigits = 2;
    private const string Head = "{\"b\":\"";
    private const int TimeAt = 6;
    private const int SequenceAt = TimeAt + TimeDigits + 1;
    private const int StepAt = SequenceAt + SequenceDigits + 1;
    private const int PublisherAt = StepAt + StepDigits + 1;
    private const int PadAt = PublisherAt + PublisherDigits + 1;

    /// <summary>The smallest payload: every field and no padding.</summary>
    public const int MinimumSize = PadAt + 2;

    /// <summary>Writes the fixed parts of a payload of <paramref name="destination"/>'s length.</summary>
    public static void WriteTemplate(Span<byte> destination)
    {
        if (destination.Length < MinimumSize)
        {
            throw new ArgumentOutOfRangeException(nameof(destination), destination.Length, $"A payload has at least {MinimumSize} bytes.");
        }

        destination.Fill((byte)'x');
        "{\"b\":\""u8.CopyTo(destination);
        destination[SequenceAt - 1] = destination[StepAt - 1] = destination[PublisherAt - 1] = destination[PadAt - 1] = (byte)'.';
        "\"}"u8.CopyTo(destination[^2..]);
    }

    /// <summary>Fills in one message's fields; the template must already be in <paramref name="payload"/>.</summary>
    public static void Write(Span<byte> payload, long intendedMicros, long sequence, int step, int publisher)
    {
        WriteDigits(payload.Slice(TimeAt, TimeDigits), intendedMicros);
        WriteDigits(payload.Slice(SequenceAt, SequenceDigits), sequence);
        WriteDigits(payload.Slice(StepAt, StepDigits), step);
        WriteDigits(payload.Slice(PublisherAt, PublisherDigits), publisher);
    }

    /// <summary>Reads the fields of a payload that arrived; false when it is not one of ours.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out Fields fields)
    {
        fields = default;
        if (payload.Length < MinimumSize || !payload.StartsWith("{\"b\":\""u8)
            || !Utf8Parser.TryParse(payload.Slice(TimeAt, TimeDigits), out long time, out _)
            || !Utf8Parser.TryParse(payload.Slice(SequenceAt, SequenceDigits), out long sequence, out _)
            || !Utf8Parser.TryParse(payload.Slice(StepAt, StepDigits), out int step, out _)
            || !Utf8Parser.TryParse(payload.Slice(PublisherAt, PublisherDigits), out int publisher, out _))
        {
            return false;
        }

        fields = new Fields(time, sequence, step, publisher);
        return true;
    }

    /// <summary>The same for a payload that a client library handed over as a string (SignalR).</summary>
    public static bool TryRead(ReadOnlySpan<char> payload, out Fields fields)
    {
        fields = default;
        if (payload.Length < MinimumSize || !payload.StartsWith(Head, StringComparison.Ordinal)
            || !long.TryParse(payload.Slice(TimeAt, TimeDigits), out var time)
            || !long.TryParse(payload.Slice(SequenceAt, SequenceDigits), out var sequence)
            || !int.TryParse(payload.Slice(StepAt, StepDigits), out var step)
            || !int.TryParse(payload.Slice(PublisherAt, PublisherDigits), out var publisher))
        {
            return false;
        }

        fields = new Fields(time, sequence, step, publisher);
        return true;
    }

    private static void WriteDigits(Span<byte> destination, long value)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }

    /// <summary>What a payload says about itself.</summary>
    public readonly record struct Fields(long IntendedMicros, long Sequence, int Step, int Publisher);
}
