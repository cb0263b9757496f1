using System.Net.WebSockets;
using VibeZ.Gateway.Tests.Infrastructure;

namespace VibeZ.Gateway.Tests.Integration;

/// <summary>A client that does not read is disconnected with a reason once its queue overflows; nobody else waits for it.</summary>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed class SlowClientTests
{
    [Fact]
    public async Task ASlowClientIsDisconnectedWithAReasonWhileAFastOneOnTheSameGatewayGetsEverything()
    {
        const int queue = 256;
        const int count = 600;
        await using var topology = await GatewayTopology.StartAsync("single", ("Gateway__SendQueueCapacity", queue.ToString()));
        const string channel = "firehose";
        await using var slow = await GatewayClient.ConnectAsync(topology.Second, "slow");
        await using var fast = await GatewayClient.ConnectAsync(topology.Second, "fast");
        await slow.SubscribeAsync(channel);
        await fast.SubscribeAsync(channel);

        // The slow client stops reading: its TCP buffers fill (some MB on loopback), then its queue; 36 MB of messages
        // overflow both, while the fast client, with the same queue, keeps up.
        slow.Reading.Reset();
        var payload = new string('x', 60 * 1024);
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken },
            async (i, _) => await ProtocolTests.PostAsync(topology.First, channel, $$"""{"n":{{i}},"pad":"{{payload}}"}""", key: $"big-{i}"));

        var delivered = await fast.WaitForCountAsync(f => GatewayClient.IsMessage(f, channel), count, "every message at the fast client", TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(1, count).Select(i => (long)i), delivered.Select(f => (long)f["offset"]!));

        slow.Reading.Set();
        await slow.WaitUntilClosedAsync();
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, slow.CloseStatus);
        Assert.Contains("send queue overflow", slow.CloseDescription);
        Assert.True(slow.Frames.Count(f => GatewayClient.IsMessage(f, channel)) < count, "the slow client cannot have received everything");
        Assert.Contains("Closing client", topology.Second.Output);
    }
}
