using StackExchange.Redis;
using VibeZ.Bench.Load;
using VibeZ.Bench.Measure;

namespace VibeZ.Bench.Systems.RawRedis;

/// <summary>
/// Raw Redis pub/sub, the ceiling: StackExchange.Redis publishers and subscribers straight on the server, each
/// subscriber on a connection of its own so that Redis, not the client, fans out.
/// </summary>
internal sealed class RawRedisSystem(string description, int port, string password, IReadOnlyList<MonitoredProcess> redis, int credits) : IBenchSystem
{
    public string Name => "redis";

    public string Description { get; } = description;

    public IReadOnlyList<MonitoredProcess> Processes { get; } = redis;

    public async Task<IAsyncDisposable> SubscribeAsync(int index, string channel, DeliveryBoard board, CancellationToken cancellationToken)
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(Options($"bench-sub-{index}"));
        var lastSequences = new long[100];
        var queue = await multiplexer.GetSubscriber().SubscribeAsync(RedisChannel.Literal(channel));
        queue.OnMessage(message =>
        {
            var payload = (ReadOnlyMemory<byte>)message.Message;
            board.Deliver(Payload.TryRead(payload.Span, out var fields), fields, lastSequences);
        });
        return multiplexer;
    }

    public async Task<IBenchPublisher> ConnectPublisherAsync(int index, string channel, int messageBytes, CancellationToken cancellationToken) =>
        await RawRedisPublisher.ConnectAsync(Options($"bench-pub-{index}"), index, channel, messageBytes, credits);

    private ConfigurationOptions Options(string clientName) => new()
    {
        EndPoints = { { "127.0.0.1", port } },
        Password = password,
        ClientName = clientName,
        AbortOnConnectFail = true,
    };
}
