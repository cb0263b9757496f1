using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VibeZ.Testing.Processes;

namespace VibeZ.Gateway.Tests.Integration;

/// <summary>
/// Broadcasts a consumer read and never acknowledged (a Worker that died holding them) are reclaimed by a real Worker
/// after the visibility timeout and delivered once each.
/// </summary>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed class BroadcastReclaimTests
{
    private const string Stream = "vibez:broadcasts:{all}:stream";

    [Fact]
    public async Task BroadcastsADeadConsumerHeldAreDeliveredOnceByAnotherWorker()
    {
        await using var topology = await GatewayTopology.StartAsync("sentinel");
        var master = topology.Sentinel!.Master;
        string[] ids = ["held-1", "held-2", "held-3"];
        foreach (var id in ids)
        {
            using var response = await topology.First.Http.PostAsync(
                "/api/broadcasts", ProtocolTests.Json($$"""{"id":"{{id}}","channel":"bc-held","data":"{{id}}"}"""), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        // No Worker runs yet: a stand-in consumer takes the due broadcasts into the stream and reads them, as a Worker
        // does, then "dies" without acknowledging them.
        await Cli(master, "XGROUP", "CREATE", Stream, "workers", "0", "MKSTREAM");
        foreach (var id in ids)
        {
            await Cli(master, "ZREM", "vibez:broadcasts:{all}:due", id);
            await Cli(master, "XADD", Stream, "*", "id", id);
        }

        var read = await Cli(master, "XREADGROUP", "GROUP", "workers", "dead-worker", "COUNT", "10", "STREAMS", Stream, ">");
        Assert.True(ids.All(read.Contains), $"the stand-in consumer read: {read}");

        await using var worker = await ServiceProcess.StartAsync(ServiceProcess.BuildOutput("VibeZ.Worker"), "/health", topology.RedisSettings, TimeSpan.FromSeconds(30));
        await TestWait.Until(async () =>
        {
            var states = new List<string?>();
            foreach (var id in ids)
            {
                var status = await topology.First.Http.GetFromJsonAsync<JsonObject>($"/api/broadcasts/{id}", TestContext.Current.CancellationToken);
                states.Add((string?)status!["state"]);
            }

            return (states.All(s => s == "delivered"), string.Join(",", states));
        }, "the Worker to reclaim and deliver the held broadcasts after the 10 s visibility timeout", TimeSpan.FromSeconds(30));

        var history = (await topology.First.Http.GetFromJsonAsync<JsonObject>("/api/channels/bc-held/messages?since=0", TestContext.Current.CancellationToken))!;
        Assert.Equal(ids, history["messages"]!.AsArray().Select(m => (string)m!["id"]!).Order());
        var pending = await Cli(master, "XPENDING", Stream, "workers");
        Assert.StartsWith("0", pending.Trim());
    }

    private static Task<string> Cli(RedisServerProcess server, params string[] command) => RedisCli.RunAsync(server.Port, server.Password, command);
}
