using System.Collections.Concurrent;
using StackExchange.Redis;
using VibeZ.Bench.Load;

namespace VibeZ.Bench.Systems.RawRedis;

/// <summary>
/// <c>PUBLISH</c> through its own StackExchange.Redis connection, pipelined; payload buffers are reused once Redis
/// answered, so the ceiling is measured without the load generator's garbage in the way.
/// </summary>
internal sealed class RawRedisPublisher : IBenchPublisher
{
    private readonly ConnectionMultiplexer _multiplexer;
    private readonly ISubscriber _subscriber;
    private readonly RedisChannel[] _channels;
    private readonly int _index;
    private readonly int _messageBytes;
    private readonly ConcurrentBag<byte[]> _buffers = [];
    private readonly ConcurrentDictionary<string, long> _errors = new();
    private int _inFlight;

    private RawRedisPublisher(ConnectionMultiplexer multiplexer, int index, IReadOnlyList<RedisChannel> channels, int messageBytes, int credits)
    {
        _multiplexer = multiplexer;
        _subscriber = multiplexer.GetSubscriber();
        _channels = [.. channels];
        _index = index;
        _messageBytes = messageBytes;
        Credits = credits;
        _multiplexer.ConnectionFailed += (_, e) => Ended = $"connection failed: {e.FailureType}";
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    public int Credits { get; }

    public IReadOnlyDictionary<string, long> Errors => _errors;

    public string? Ended { get; private set; }

    public static async Task<RawRedisPublisher> ConnectAsync(ConfigurationOptions options, int index, IReadOnlyList<RedisChannel> channels, int messageBytes, int credits) =>
        new(await ConnectionMultiplexer.ConnectAsync(options), index, channels, messageBytes, credits);

    public ValueTask SendAsync(long intendedMicros, long sequence, int step)
    {
        if (!_buffers.TryTake(out var buffer))
        {
            buffer = new byte[_messageBytes];
            Payload.WriteTemplate(buffer);
        }

        Payload.Write(buffer, intendedMicros, sequence, step, _index);
        Interlocked.Increment(ref _inFlight);
        _ = ConfirmAsync(_subscriber.PublishAsync(_channels[sequence % _channels.Length], buffer), buffer);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _multiplexer.DisposeAsync();

    private async Task ConfirmAsync(Task<long> publish, byte[] buffer)
    {
        try
        {
            await publish;
        }
        catch (Exception ex)
        {
            _errors.AddOrUpdate(ex.GetType().Name, 1, static (_, count) => count + 1);
        }
        finally
        {
            _buffers.Add(buffer);
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
