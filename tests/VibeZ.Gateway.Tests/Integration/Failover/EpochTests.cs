
namespace VibeZ.Gateway.Tests.Integration.Failover;

/// <summary>
/// Each way a channel's history can be lost starts a new epoch, and subscribers are told with <c>recovered:false</c>
/// instead of seeing a silent gap or offsets that mean something else.
/// </summary>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed class EpochTests
{
    [Fact]
    public async Task AChannelWhoseKeysExpiredStartsANewEpochAndSubscribersAreToldRecoveredFalse()
    {
        await using var topology = await GatewayTopology.StartAsync("single", ("Gateway__ChannelTimeToLiveSeconds", "1"));
        var redis = topology.Single!;
        const string channel = "expiring";
        await using var subscriber = await GatewayClient.ConnectAsync(topology.Second, "subscriber");
        await subscriber.SubscribeAsync(channel);
        await ProtocolTests.PublishAsync(topology.First, channel, 2);
        var first = await subscriber.WaitForCountAsync(f => GatewayClient.IsMessage(f, channel), 2, "the first two messages");
        var oldEpoch = (string)first[^1]["epoch"]!;

        await TestWait.Until(
            async () =>
            {
                var exists = (await RedisCli.RunAsync(redis.Port, redis.Password, "EXISTS", "vibez:{expiring}:meta")).Trim();
                return (exists == "0", $"EXISTS answered {exists}");
            },
            "the idle channel's keys to expire");
        await ProtocolTests.PublishAsync(topology.First, channel, 1, first: 100);

        // Either the resync found the keys gone first (no epoch until the next publish names one), or the new epoch's
        // first commit did: both tell the subscriber that what came before is not complete.
        var renewed = await subscriber.WaitForAsync(
            f => GatewayClient.Is(f, "subscribed") && (string?)f["epoch"] != oldEpoch, "a subscribed frame leaving the old epoch", after: 3);
        Assert.False((bool)renewed["recovered"]!);
        Assert.Equal(0, (long)renewed["offset"]!);
        var message = await subscriber.WaitForAsync(f => GatewayClient.IsMessage(f, channel) && (int)f["data"]!["n"]! == 100, "the message published after expiry");
        Assert.NotEqual(oldEpoch, (string?)message["epoch"]);
        Assert.Equal(1, (long)message["offset"]!);

        await using var late = await GatewayClient.ConnectAsync(topology.First, "late");
        var resumed = await late.SubscribeAsync(channel, since: new { offset = 2, epoch = oldEpoch });
        Assert.False((bool)resumed["recovered"]!);
    }

    [Fact]
    public async Task AMasterBehindOffsetsAlreadyAckedStartsANewEpochInsteadOfReusingThem()
    {
        await using var topology = await GatewayTopology.StartAsync("single");
        var redis = topology.Single!;
        const string channel = "rolled-back";
        await using var subscriber = await GatewayClient.ConnectAsync(topology.Second, "subscriber");
        await subscriber.SubscribeAsync(channel);
        await ProtocolTests.PublishAsync(topology.First, channel, 3);
        var seen = await subscriber.WaitForCountAsync(f => GatewayClient.IsMessage(f, channel), 3, "three messages");
        var oldEpoch = (string)seen[^1]["epoch"]!;

        // What a replica promoted before it received the last two writes looks like: the counter and history end at 1.
        await RedisCli.RunAsync(redis.Port, redis.Password, "HSET", "vibez:{rolled-back}:meta", "offset", "1", "committed", "1");
        await RedisCli.RunAsync(redis.Port, redis.Password, "XTRIM", $"vibez:{{rolled-back}}:h:{oldEpoch}", "MAXLEN", "1");
        var after = await ProtocolTests.PostAsync(topology.First, channel, """{"n":4}""", key: "after-rollback");

        Assert.NotEqual(oldEpoch, (string?)after["epoch"]);
        Assert.Equal(1, (long)after["offset"]!);
        var renewed = await subscriber.WaitForAsync(f => GatewayClient.Is(f, "subscribed") && (string?)f["epoch"] == (string?)after["epoch"], "a subscribed frame with the new epoch");
        Assert.False((bool)renewed["recovered"]!);
        var message = await subscriber.WaitForAsync(f => GatewayClient.IsMessage(f, channel) && (string?)f["epoch"] == (string?)after["epoch"], "the message of the new epoch");
        Assert.Equal(1, (long)message["offset"]!);
        Assert.Contains("History of rolled-back lost", topology.First.Output);
    }

    [Fact]
    public async Task ASubscribingGatewayThatDeliveredMoreThanRedisHasStartsTheNewEpochItself()
    {
        await using var topology = await GatewayTopology.StartAsync("single", ("Gateway__ResyncIntervalSeconds", "0.5"));
        var redis = topology.Single!;
        const string channel = "quiet-rollback";
        await using var subscriber = await GatewayClient.ConnectAsync(topology.Second, "subscriber");
        await subscriber.SubscribeAsync(channel);
        await ProtocolTests.PublishAsync(topology.First, channel, 3);
        var seen = await subscriber.WaitForCountAsync(f => GatewayClient.IsMessage(f, channel), 3, "three messages");
        var oldEpoch = (string)seen[^1]["epoch"]!;

        // No publish follows: the subscribing Gateway's own resync must notice that Redis is behind what it delivered.
        await RedisCli.RunAsync(redis.Port, redis.Password, "HSET", "vibez:{quiet-rollback}:meta", "offset", "1", "committed", "1");

        var renewed = await subscriber.WaitForAsync(f => GatewayClient.Is(f, "subscribed") && (string?)f["epoch"] != oldEpoch, "a subscribed frame with a new epoch", after: 4);
        Assert.False((bool)renewed["recovered"]!);
        Assert.Contains("Channel quiet-rollback rolled back past offset 3", topology.Second.Output);
        Assert.Equal(0, (long)renewed["offset"]!);
    }
}
