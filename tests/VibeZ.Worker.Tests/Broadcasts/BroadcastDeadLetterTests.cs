using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VibeZ.Testing.Processes;

namespace VibeZ.Worker.Tests.Broadcasts;

/// <summary>
/// Broadcasts that can never be published, or that Workers were handed too often, end <c>failed</c> with their reason,
/// in the dead-letter stream once, and are not tried again: a real Worker process on real Redis, behind real Gateways.
/// </summary>
[Trait("Category", "Integration")]
public sealed class BroadcastDeadLetterTests
{
    [Fact]
    public async Task PoisonBroadcastsEndFailedWithTheirReasonInTheDeadStreamOnceAndAreNotTriedAgain()
    {
        await using var topology = await GatewayTopology.StartAsync("single");
        var redis = topology.Single!;
        var http = topology.First.Http;
        Task<string> Cli(string[] command) => RedisCli.RunAsync(redis.Port, redis.Password, command);
        await PoisonBroadcasts.StoreAsync(http, Cli, Ct);

        await using var worker = await ServiceProcess.StartAsync(
            ServiceProcess.BuildOutput("VibeZ.Worker"), "/alive", [.. topology.RedisSettings, .. PoisonBroadcasts.WorkerSettings], TimeSpan.FromSeconds(30));
        await PoisonBroadcasts.WaitUntilFailedAsync(http, worker, TimeSpan.FromSeconds(20));

        // A good broadcast after them is delivered: the Worker has gone round since, and the poison ones stayed dead.
        await ScheduledBroadcasts.PostAsync(http, $$"""{"id":"dl-good","channel":"{{PoisonBroadcasts.Channel}}","data":"good"}""", Ct);
        await ScheduledBroadcasts.WaitForStateAsync(http, "dl-good", "delivered", $" after the poison broadcasts\n--- worker ---\n{worker.Output}");

        Assert.Empty(await PoisonBroadcasts.ProblemsAsync(http, Cli, worker));
        var history = (await http.GetFromJsonAsync<JsonObject>($"/api/channels/{PoisonBroadcasts.Channel}/messages?since=0", Ct))!;
        Assert.Equal(["dl-good"], history["messages"]!.AsArray().Select(m => (string)m!["id"]!));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
