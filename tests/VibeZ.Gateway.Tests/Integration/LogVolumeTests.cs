
namespace VibeZ.Gateway.Tests.Integration;

/// <summary>
/// What an operator's log costs under normal load: a Gateway run with the log levels it ships with writes nothing
/// per message while nothing goes wrong.
/// </summary>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed class LogVolumeTests
{
    private const int Publishes = 10_000;
    private const int HistoryReads = 100;

    // Publishes in flight at once: enough to keep the Gateway busy, few enough that none waits long for its ack.
    private const int Window = 200;

    // Start-up is done before counting starts; a few lines (a client connecting, the marker) are allowed, none per message.
    private const int MaxLines = 10;

    [Fact]
    public async Task SteadyPublishesLogNothingPerMessage()
    {
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        await using var gateway = await GatewayProcess.StartAsync(
            [
                ("REDIS_MODE", "single"), ("REDIS_URL", $"redis://127.0.0.1:{redis.Port}"), ("REDIS_PASSWORD", redis.Password),

                // One socket publishes as fast as acks come back: what is measured is the log, not the rate limit.
                ("Gateway__CommandsPerSecond", "1000000"), ("Gateway__CommandBurst", "1000000"),
            ],
            shippedLogLevels: true);
        const string channel = "steady";
        await using var subscriber = await GatewayClient.ConnectAsync(gateway, "subscriber");
        await using var publisher = await GatewayClient.ConnectAsync(gateway, "publisher");
        await subscriber.SubscribeAsync(channel);
        var before = gateway.LineCount;

        for (var sent = 0; sent < Publishes; sent++)
        {
            // Every half window, wait until at most half a window is unanswered: never more than a window in flight.
            if (sent >= Window && sent % (Window / 2) == 0)
            {
                await publisher.WaitForCountAsync(f => GatewayClient.Is(f, "ack"), sent - Window / 2, "acks to keep the window open");
            }

            await publisher.SendAsync(new { type = "publish", channel, data = new { n = sent }, id = $"m-{sent}" });
        }

        await publisher.WaitForCountAsync(f => GatewayClient.Is(f, "ack"), Publishes, "acks", TimeSpan.FromSeconds(60));
        await subscriber.WaitForCountAsync(f => GatewayClient.IsMessage(f, channel), Publishes, "deliveries", TimeSpan.FromSeconds(60));
        for (var read = 0; read < HistoryReads; read++)
        {
            using var response = await gateway.Http.GetAsync($"/api/channels/{channel}/messages?since=0", TestContext.Current.CancellationToken);
            response.EnsureSuccessStatusCode();
        }

        // The console logger writes from a queue: a line the Gateway is known to log next (a live message not in its
        // format) shows that everything logged before it has been written.
        await RedisCli.RunAsync(redis.Port, redis.Password, "PUBLISH", $"vibez:{{{channel}}}:live", "not-a-gateway-frame");
        await TestWait.Until(
            () => Task.FromResult((gateway.Output.Contains("not in the Gateway's format", StringComparison.Ordinal), $"{gateway.LineCount} lines")),
            "the Gateway to log the malformed live message used as a marker");

        var during = gateway.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(before).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine($"{during.Count} lines during the run:\n{string.Join("\n", during)}");
        Assert.True(
            during.Count <= MaxLines,
            $"The Gateway wrote {during.Count} lines for {Publishes} publishes, their deliveries and {HistoryReads} history reads; expected at most {MaxLines}, none per message. First lines:\n{string.Join("\n", during.Take(40))}");
    }
}
