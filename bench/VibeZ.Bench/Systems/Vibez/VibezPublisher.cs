using System.Collections.Concurrent;
using System.Text;
using VibeZ.Bench.Load;
using VibeZ.Testing.Gateway;

namespace VibeZ.Bench.Systems.Vibez;

/// <summary>
/// Publishes over one Gateway WebSocket from a frame built once: each message rewrites only its id digits and its
/// payload fields in place. Unique ids (as the README asks), and at most <c>Gateway:MaxPublishesInFlight</c> publishes
/// waiting for acks, the Gateway's own limit used as credits.
/// </summary>
internal sealed class VibezPublisher : IBenchPublisher
{
    private const int SequenceDigits = 10;

    private readonly VibezConnection _connection;
    private readonly ConcurrentDictionary<string, long> _errors = new();
    private readonly byte[] _frame;
    private readonly int _idSequenceAt;
    private readonly int _payloadAt;
    private readonly int _messageBytes;
    private readonly int _index;
    private int _inFlight;

    private VibezPublisher(int index, string channel, int messageBytes, int credits)
    {
        _index = index;
        _messageBytes = messageBytes;
        Credits = credits;
        _connection = new VibezConnection { OnAck = Confirmed, OnError = Failed };

        var head = Encoding.UTF8.GetBytes($"{{\"type\":\"publish\",\"channel\":\"{channel}\",\"id\":\"{Guid.NewGuid():N}-{index}-");
        var middle = "\",\"data\":"u8;
        _frame = new byte[head.Length + SequenceDigits + middle.Length + messageBytes + 1];
        head.CopyTo(_frame, 0);
        _idSequenceAt = head.Length;
        middle.CopyTo(_frame.AsSpan(_idSequenceAt + SequenceDigits));
        _payloadAt = _idSequenceAt + SequenceDigits + middle.Length;
        Payload.WriteTemplate(_frame.AsSpan(_payloadAt, messageBytes));
        _frame[^1] = (byte)'}';
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    public int Credits { get; }

    public IReadOnlyDictionary<string, long> Errors => _errors;

    public string? Ended => _connection.Ended;

    public static async Task<VibezPublisher> ConnectAsync(Uri address, int index, string channel, int messageBytes, int credits, CancellationToken cancellationToken)
    {
        var publisher = new VibezPublisher(index, channel, messageBytes, credits);
        await publisher._connection.ConnectAsync(address, GatewayTokens.Mint(), cancellationToken);
        return publisher;
    }

    public ValueTask SendAsync(long intendedMicros, long sequence, int step)
    {
        var frame = _frame.AsSpan();
        var id = sequence;
        for (var i = _idSequenceAt + SequenceDigits - 1; i >= _idSequenceAt; i--, id /= 10)
        {
            frame[i] = (byte)('0' + (id % 10));
        }

        Payload.Write(frame.Slice(_payloadAt, _messageBytes), intendedMicros, sequence, step, _index);
        Interlocked.Increment(ref _inFlight);
        return _connection.SendAsync(_frame, CancellationToken.None);
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private void Confirmed() => Interlocked.Decrement(ref _inFlight);

    private void Failed(string code)
    {
        Interlocked.Decrement(ref _inFlight);
        _errors.AddOrUpdate(code, 1, static (_, count) => count + 1);
    }
}
