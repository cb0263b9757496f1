using System.Collections.Concurrent;
using System.Text;
using VibeZ.Bench.Load;
using VibeZ.Testing.Gateway;

namespace VibeZ.Bench.Systems.Vibez;

/// <summary>
/// Publishes over one Gateway WebSocket from frames built once, one per channel: each message rewrites only its id
/// digits and its payload fields in place. Unique ids (as the README asks), and at most <c>Gateway:MaxPublishesInFlight</c> publishes
/// waiting for acks, the Gateway's own limit used as credits.
/// </summary>
internal sealed class VibezPublisher : IBenchPublisher
{
    private const int SequenceDigits = 10;

    private readonly VibezConnection _connection;
    private readonly ConcurrentDictionary<string, long> _errors = new();
    private readonly Frame[] _frames;
    private readonly int _messageBytes;
    private readonly int _index;
    private int _inFlight;

    private VibezPublisher(int index, IReadOnlyList<string> channels, int messageBytes, int credits)
    {
        _index = index;
        _messageBytes = messageBytes;
        Credits = credits;
        _connection = new VibezConnection { OnAck = Confirmed, OnError = Failed };
        var idPrefix = $"{Guid.NewGuid():N}-{index}-";
        _frames = [.. channels.Select(channel => Frame.Build(channel, idPrefix, messageBytes))];
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    public int Credits { get; }

    public IReadOnlyDictionary<string, long> Errors => _errors;

    public string? Ended => _connection.Ended;

    public static async Task<VibezPublisher> ConnectAsync(Uri address, int index, IReadOnlyList<string> channels, int messageBytes, int credits, CancellationToken cancellationToken)
    {
        var publisher = new VibezPublisher(index, channels, messageBytes, credits);
        await publisher._connection.ConnectAsync(address, GatewayTokens.Mint(), cancellationToken);
        return publisher;
    }

    public ValueTask SendAsync(long intendedMicros, long sequence, int step)
    {
        var target = _frames[sequence % _frames.Length];
        var frame = target.Bytes.AsSpan();
        var id = sequence;
        for (var i = target.IdSequenceAt + SequenceDigits - 1; i >= target.IdSequenceAt; i--, id /= 10)
        {
            frame[i] = (byte)('0' + (id % 10));
        }

        Payload.Write(frame.Slice(target.PayloadAt, _messageBytes), intendedMicros, sequence, step, _index);
        Interlocked.Increment(ref _inFlight);
        return _connection.SendAsync(target.Bytes, CancellationToken.None);
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private void Confirmed() => Interlocked.Decrement(ref _inFlight);

    private void Failed(string code)
    {
        Interlocked.Decrement(ref _inFlight);
        _errors.AddOrUpdate(code, 1, static (_, count) => count + 1);
    }

    /// <summary>One channel's publish frame and where its variable digits are.</summary>
    private sealed record Frame(byte[] Bytes, int IdSequenceAt, int PayloadAt)
    {
        public static Frame Build(string channel, string idPrefix, int messageBytes)
        {
            var head = Encoding.UTF8.GetBytes($"{{\"type\":\"publish\",\"channel\":\"{channel}\",\"id\":\"{idPrefix}");
            var middle = "\",\"data\":"u8;
            var bytes = new byte[head.Length + SequenceDigits + middle.Length + messageBytes + 1];
            head.CopyTo(bytes, 0);
            var idSequenceAt = head.Length;
            middle.CopyTo(bytes.AsSpan(idSequenceAt + SequenceDigits));
            var payloadAt = idSequenceAt + SequenceDigits + middle.Length;
            Payload.WriteTemplate(bytes.AsSpan(payloadAt, messageBytes));
            bytes[^1] = (byte)'}';
            return new Frame(bytes, idSequenceAt, payloadAt);
        }
    }
}
