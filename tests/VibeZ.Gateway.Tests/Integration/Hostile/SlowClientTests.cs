using System.Net.WebSockets;

namespace VibeZ.Gateway.Tests.Integration.Hostile;

/// <summary>A client that does not read is disconnected with a reason once its queue overflows; nobody else waits for it.</summary>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed class SlowClientTests
{
    /// <summary>A non-reading client's receive buffer: small and fixed, so its window shuts after little traffic.</summary>
    private const int SmallReceiveBuffer = 64 * 1024;

    [Fact]
    public async Task ASlowClientIsDisconnectedWithAReasonWhileAFastOneOnTheSameGatewayGetsEverything()
    {
        const int count = 300;
        await using var topology = await GatewayTopology.StartAsync("single", ("Gateway__SendQueueBytes", (4 * 1024 * 1024).ToString()));
        const string channel = "firehose";
        await using var slow = await GatewayClient.ConnectWithReceiveBufferAsync(topology.Second, "slow", SmallReceiveBuffer);
        await using var fast = await GatewayClient.ConnectAsync(topology.Second, "fast");
        await slow.SubscribeAsync(channel);
        await fast.SubscribeAsync(channel);

        // The slow client stops reading: the TCP buffers between it and the Gateway fill (the Gateway's send buffer grows
        // to 4 MiB, net.ipv4.tcp_wmem), then its 4 MiB queue; 18 MB of messages overflow both, twice over, while the fast
        // client, with the same queue, keeps up.
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

    [Fact]
    public async Task AClientWhoseTcpWindowStaysShutIsClosedByTheWriteTimeoutEvenWithRoomInItsQueue()
    {
        // A queue far larger than what is sent, so only the write timeout can close the reader.
        await using var topology = await GatewayTopology.StartAsync("single",
            ("Gateway__SendQueueBytes", (512 * 1024 * 1024).ToString()), ("Gateway__WriteTimeoutSeconds", "2"));
        const string channel = "zero-window";
        await using var stuck = await GatewayClient.ConnectWithReceiveBufferAsync(topology.Second, "stuck", SmallReceiveBuffer);
        await using var witness = await GatewayClient.ConnectAsync(topology.Second, "witness");
        await stuck.SubscribeAsync(channel);
        await witness.SubscribeAsync(channel);

        // It stops reading: the socket buffers between it and the Gateway fill (some 4 MiB: the Gateway's send buffer
        // autotunes up to net.ipv4.tcp_wmem's maximum), then the Gateway's write blocks on a zero window. 12 MB of
        // messages are about three times what the buffers hold. (With the client's receive buffer left to autotune to
        // 32 MiB this took 72 MB, and once, on a loaded machine, the write timeout was not logged within 90 s.)
        stuck.Reading.Reset();
        var payload = new string('x', 60 * 1024);
        const int count = 200;
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken },
            async (i, _) => await ProtocolTests.PostAsync(topology.First, channel, $$"""{"n":{{i}},"pad":"{{payload}}"}""", key: $"big-{i}"));

        // First that the reader's Gateway has every message (a reading client of it got them all), which on a loaded
        // machine takes its time; from then on the write timeout (2 s) alone decides.
        await witness.WaitForCountAsync(f => GatewayClient.IsMessage(f, channel), count, "messages at a reading client of the stuck client's Gateway", TimeSpan.FromSeconds(90));
        await TestWait.Until(
            () => Task.FromResult((topology.Second.Output.Contains("write timeout", StringComparison.Ordinal),
                $"the stuck client's connection ended: {stuck.Ended} ({stuck.CloseStatus}); the second Gateway's log: " + topology.Second.Output[^Math.Min(2000, topology.Second.Output.Length)..])),
            "the Gateway to log that it closed the non-reading client for a write timeout",
            TimeSpan.FromSeconds(30));
        Assert.DoesNotContain("send queue overflow", topology.Second.Output);
        stuck.Reading.Set();
        await stuck.WaitUntilClosedAsync();
    }

    [Fact]
    public async Task APublisherThatDoesNotReadItsAcksIsHeldBackNeverRefusedOrClosed()
    {
        // Eight credits and the smallest send queue: before back-pressure, this publisher got too_many_publishes for
        // most of its messages, and its own acks could overflow its send queue.
        const int count = 500;
        await using var topology = await GatewayTopology.StartAsync("single",
            ("Gateway__MaxPublishesInFlight", "8"), ("Gateway__SendQueueBytes", "1024"));
        await using var publisher = await GatewayClient.ConnectAsync(topology.First, "publisher");

        publisher.Reading.Reset();
        for (var i = 0; i < count; i++)
        {
            await publisher.SendAsync(new { type = "publish", channel = "held-back", id = $"m-{i}", data = new { n = i } });
        }

        publisher.Reading.Set();
        var acks = await publisher.WaitForCountAsync(f => GatewayClient.Is(f, "ack"), count, "acks, one per publish", TimeSpan.FromSeconds(60));

        // Acks may arrive in any order; the offsets follow the order sent.
        var byOffset = acks.OrderBy(a => (long)a["offset"]!).ToList();
        Assert.Equal(Enumerable.Range(1, count).Select(i => (long)i), byOffset.Select(a => (long)a["offset"]!));
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"m-{i}"), byOffset.Select(a => (string?)a["id"]));
        Assert.DoesNotContain(publisher.Frames, f => GatewayClient.Is(f, "error"));
        Assert.Null(publisher.CloseStatus);
    }
}
