using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using VibeZ.ServiceDefaults.Redis;

namespace VibeZ.ServiceDefaults.Tests.Redis;

[Trait("Category", "Integration")]
[Collection(nameof(TimingSensitive))]
public sealed class RedisSubscriptionRestoreTests
{
    [Fact]
    public async Task SubscriptionMadeBeforeASentinelFailoverReceivesMessagesPublishedToTheNewMaster()
    {
        await using var topology = await SentinelProcesses.StartAsync();
        using var activities = new ActivityCollector();
        using var host = RedisTestHost.Build(topology.HostConfiguration);
        var multiplexer = host.Services.GetRequiredService<IConnectionMultiplexer>();
        var channel = RedisChannel.Literal("vibez:test:restored-" + Guid.NewGuid().ToString("N"));
        var received = new MessageLog();
        await TestWait.For(multiplexer.GetSubscriber().SubscribeAsync(channel, (_, message) => received.Add(message.ToString())), "SUBSCRIBE on the first master");

        await RedisCli.RunAsync(topology.Master.Port, topology.Password, "DEBUG", "SEGFAULT");
        var newMaster = $"127.0.0.1:{topology.Replica.Port}";
        await TestWait.Until(
            async () =>
            {
                var named = await topology.MasterAddressAsync();
                return (named == newMaster, $"sentinels name {named}");
            },
            $"the sentinels to name {newMaster} after the master crashed");

        await PublishUntilReceivedAsync(topology.Replica.Port, topology.Password, channel, received, "the new master");
        await AssertResubscribeSpanAsync(activities);
    }

    [Fact]
    public async Task SubscriptionMadeBeforeASingleServerRestartReceivesMessagesPublishedAfterIt()
    {
        await using var server = new RedisServerProcess();
        await server.InitializeAsync();
        using var activities = new ActivityCollector();
        using var host = RedisTestHost.Build(("REDIS_URL", $"redis://127.0.0.1:{server.Port}"), ("REDIS_PASSWORD", server.Password));
        var multiplexer = host.Services.GetRequiredService<IConnectionMultiplexer>();
        var channel = RedisChannel.Literal("vibez:test:restored-" + Guid.NewGuid().ToString("N"));
        var received = new MessageLog();
        await TestWait.For(multiplexer.GetSubscriber().SubscribeAsync(channel, (_, message) => received.Add(message.ToString())), "SUBSCRIBE on the server");

        server.Kill();
        await TestWait.Until(
            () => Task.FromResult((!multiplexer.GetServer(multiplexer.GetEndPoints()[0]).IsConnected, "still connected")),
            $"the client to notice redis-server 127.0.0.1:{server.Port} was killed");
        await server.StartAsync();

        await PublishUntilReceivedAsync(server.Port, server.Password, channel, received, "the restarted server");
        await AssertResubscribeSpanAsync(activities);
    }

    /// <summary>
    /// Publishes through redis-cli (another connection) until the handler has the message: the client resubscribes
    /// some time after the node is back, and a message published before that is lost, as pub/sub messages are.
    /// </summary>
    private static async Task PublishUntilReceivedAsync(int port, string password, RedisChannel channel, MessageLog received, string node)
    {
        var message = "after-" + Guid.NewGuid().ToString("N");
        await TestWait.Until(
            async () =>
            {
                var subscribers = await RedisCli.RunAsync(port, password, "PUBLISH", channel.ToString(), message);
                return (received.Contains(message), $"PUBLISH reached {subscribers.Trim()} subscriber(s); the handler has [{received}]");
            },
            $"the handler subscribed before the outage to receive '{message}' published to {node} (127.0.0.1:{port})");
    }

    private static async Task AssertResubscribeSpanAsync(ActivityCollector activities) =>
        await TestWait.Until(
            () => Task.FromResult((activities.All.Any(a => a.OperationName == RedisTelemetry.ResubscribeActivity), string.Join(", ", activities.All.Select(a => a.OperationName)))),
            $"a {RedisTelemetry.ResubscribeActivity} span");

    private sealed class MessageLog
    {
        private readonly List<string> _messages = [];

        public void Add(string message)
        {
            lock (_messages)
            {
                _messages.Add(message);
            }
        }

        public bool Contains(string message)
        {
            lock (_messages)
            {
                return _messages.Contains(message);
            }
        }

        public override string ToString()
        {
            lock (_messages)
            {
                return string.Join(", ", _messages);
            }
        }
    }
}
