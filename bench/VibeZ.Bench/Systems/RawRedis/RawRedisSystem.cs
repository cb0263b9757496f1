using StackExchange.Redis;
using VibeZ.Bench.Load;
using VibeZ.Bench.Measure;

namespace VibeZ.Bench.Systems.RawRedis;

/// <summary>
/// Raw Redis pub/sub, the ceiling: StackExchange.Redis publishers and subscribers straight on the server, each
/// subscriber on a connection of its own so that Redis, not the client, fans out. On a cluster it uses sharded pub/sub
/// (<c>SPUBLISH</c>/<c>SSUBSCRIBE</c>), so each channel lives on the shard that owns its slot.
/// </summary>
internal sealed class RawRedisSystem(string name, string description, IReadOnlyList<int> ports, string password, bool sharded, IReadOnlyList<MonitoredProcess> redis, int credits)
    : IBenchSystem
{
    public string Name { get; } = name;

    public string Description { get; } = description;

    public IReadOnlyList<MonitoredProcess> Processes { get; } = redis;

    public async Task<IAsyncDisposable> SubscribeAsync(int index, string channel, DeliveryBoard board, CancellationToken cancellationToken)
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(Options($"bench-sub-{index}"));
        var lastSequences = new long[100];
        var queue = await multiplexer.GetSubscriber().SubscribeAsync(Channel(channel, sharded));
        queue.OnMessage(message =>
        {
            var payload = (ReadOnlyMemory<byte>)message.Message;
            board.Deliver(Payload.TryRead(payload.Span, out var fields), fields, lastSequences);
        });
        return multiplexer;
    }

    public async Task<IBenchPublisher> ConnectPublisherAsync(int index, IReadOnlyList<string> channels, int messageBytes, CancellationToken cancellationToken) =>
        await RawRedisPublisher.ConnectAsync(Options($"bench-pub-{index}"), index, [.. channels.Select(c => Channel(c, sharded))], messageBytes, credits);

    private static RedisChannel Channel(string name, bool sharded) => sharded ? RedisChannel.Sharded(name) : RedisChannel.Literal(name);

    private ConfigurationOptions Options(string clientName)
    {
        var options = new ConfigurationOptions { Password = password, ClientName = clientName, AbortOnConnectFail = true };
        foreach (var port in ports)
        {
            options.EndPoints.Add("127.0.0.1", port);
        }

        return options;
    }
}
