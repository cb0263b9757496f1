
namespace VibeZ.Gateway.Tests.Integration;

/// <summary>
/// A message published through one Gateway reaches subscribers on another, through real Redis, in every mode:
/// the routing between Gateway processes that the README's first paragraph promises.
/// </summary>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed class RoutingTests
{
    [Theory]
    [InlineData("single")]
    [InlineData("sentinel")]
    [InlineData("cluster")]
    public async Task AMessagePublishedOnOneGatewayReachesSubscribersOfTheOtherInOrderWithConsecutiveOffsets(string mode)
    {
        await using var topology = await GatewayTopology.StartAsync(mode);
        await using var subscriber = await GatewayClient.ConnectAsync(topology.Second, "subscriber");
        await using var publisher = await GatewayClient.ConnectAsync(topology.First, "publisher");

        var subscribed = await subscriber.SubscribeAsync("room-1");
        Assert.Equal(topology.Second.Node, (string?)subscribed["node"]);
        Assert.NotEqual(topology.First.Node, topology.Second.Node);

        for (var i = 1; i <= 20; i++)
        {
            await publisher.SendAsync(new { type = "publish", channel = "room-1", data = new { n = i }, id = $"m-{i}" });
        }

        var acks = await publisher.WaitForCountAsync(f => GatewayClient.Is(f, "ack"), 20, "acks");
        var messages = await subscriber.WaitForCountAsync(f => GatewayClient.IsMessage(f, "room-1"), 20, "messages on room-1");

        // Acks may arrive in any order (replication is confirmed in batches); the offsets they carry follow the order sent.
        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"m-{i}"), acks.OrderBy(a => (long)a["offset"]!).Select(a => (string)a["id"]!));
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), messages.Select(m => (long)m["offset"]!));
        Assert.Equal(Enumerable.Range(1, 20), messages.Select(m => (int)m["data"]!["n"]!));
        // Subscribing reads and never writes: a channel nobody published to yet has no epoch, the first publish makes it.
        Assert.Equal(("", 0L), ((string?)subscribed["epoch"], (long)subscribed["offset"]!));
        Assert.Single(messages.Select(m => (string)m["epoch"]!).Distinct());
        Assert.Equal(messages.Select(m => (string)m["id"]!), acks.OrderBy(a => (long)a["offset"]!).Select(a => (string)a["id"]!));
    }
}
