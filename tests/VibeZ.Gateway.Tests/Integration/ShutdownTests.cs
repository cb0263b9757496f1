using System.Net.WebSockets;

namespace VibeZ.Gateway.Tests.Integration;

/// <summary>What clients see when a Gateway is stopped on purpose (SIGTERM), as an orchestrator stops a replica.</summary>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed class ShutdownTests
{
    [Fact]
    public async Task AStoppingGatewayClosesItsSocketsWith1001SoClientsReconnectElsewhere()
    {
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        await using var gateway = await GatewayProcess.StartAsync(
            [("REDIS_MODE", "single"), ("REDIS_URL", $"redis://127.0.0.1:{redis.Port}"), ("REDIS_PASSWORD", redis.Password)]);
        await using var client = await GatewayClient.ConnectAsync(gateway, "stays", gateway.MintToken("stays"));
        await client.SubscribeAsync("room-1");

        gateway.Terminate();
        await client.WaitUntilClosedAsync();

        Assert.True(client.CloseStatus == WebSocketCloseStatus.EndpointUnavailable,
            $"closed with {client.CloseStatus} '{client.CloseDescription}'; the Gateway said:\n{gateway.Output}");
        Assert.Equal("Gateway shutting down", client.CloseDescription);
    }
}
