using System.Text;
using VibeZ.Bench.Load;

namespace VibeZ.Bench.Systems.WebSocketFloor;

/// <summary>
/// Publishes over one socket from frames built once per channel (<c>NAME\n</c> and the data), rewriting only the
/// payload's fields. The floor server confirms nothing, so nothing is ever in flight and no credits are spent.
/// </summary>
internal sealed class FloorPublisher : IBenchPublisher
{
    private readonly FloorConnection _connection;
    private readonly (byte[] Bytes, int PayloadAt)[] _frames;
    private readonly int _index;
    private readonly int _messageBytes;

    public FloorPublisher(FloorConnection connection, int index, IReadOnlyList<string> channels, int messageBytes)
    {
        _connection = connection;
        _index = index;
        _messageBytes = messageBytes;
        _frames = [.. channels.Select(channel =>
        {
            var head = Encoding.UTF8.GetBytes(channel + "\n");
            var bytes = new byte[head.Length + messageBytes];
            head.CopyTo(bytes, 0);
            Payload.WriteTemplate(bytes.AsSpan(head.Length));
            return (bytes, head.Length);
        })];
    }

    public int InFlight => 0;

    public int Credits => int.MaxValue;

    public IReadOnlyDictionary<string, long> Errors { get; } = new Dictionary<string, long>();

    public string? Ended => _connection.Ended;

    public ValueTask SendAsync(long intendedMicros, long sequence, int step)
    {
        var (bytes, payloadAt) = _frames[sequence % _frames.Length];
        Payload.Write(bytes.AsSpan(payloadAt, _messageBytes), intendedMicros, sequence, step, _index);
        return _connection.SendAsync(bytes);
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
