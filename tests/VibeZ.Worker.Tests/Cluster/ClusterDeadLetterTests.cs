using System.Text.Json.Nodes;
using VibeZ.Channels.Broadcasts;
using VibeZ.Testing.Processes;

namespace VibeZ.Worker.Tests.Cluster;

/// <summary>
/// The dead-letter path on the six-node cluster (three masters, a replica each, real redis-server processes): poison
/// broadcasts end <c>failed</c> with their reason through <c>GET /api/broadcasts/{id}</c>, stand in the dead-letter
/// stream once after the bounded attempts, a good broadcast after them is still delivered, and the Worker's
/// <c>/health</c> reports the dead letters and nothing pending in its lag details.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ClusterDeadLetterTests
{
    private static readonly TimeSpan WorkerStartTimeout = TimeSpan.FromSeconds(30);

    // Dead-lettering needs one promotion and one reclaim round (both run when the Worker starts); the rest is a loaded machine.
    private static readonly TimeSpan DeadLetterTimeout = TimeSpan.FromSeconds(20);

    // The lag is sampled every 5 s: room for three samples.
    private static readonly TimeSpan LagSampleTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task PoisonBroadcastsEndFailedWithTheirReasonInTheDeadStreamOnceAndTheWorkersHealthCountsThem()
    {
        await using var topology = await GatewayTopology.StartAsync("cluster");
        var cluster = topology.Cluster!;
        var http = topology.First.Http;

        // The broadcast keys share the hash tag {all}: one master holds them all, and the set-up writes there directly.
        var (master, _) = await cluster.ShardOfKeyAsync(BroadcastKeys.Dead.ToString());
        Task<string> Cli(string[] command) => RedisCli.RunAsync(master.Port, cluster.Password, command);
        await PoisonBroadcasts.StoreAsync(http, Cli, Ct);

        await using var worker = await ServiceProcess.StartAsync(
            ServiceProcess.BuildOutput("VibeZ.Worker"), "/alive", [.. topology.RedisSettings, .. PoisonBroadcasts.WorkerSettings], WorkerStartTimeout);
        await PoisonBroadcasts.WaitUntilFailedAsync(http, worker, DeadLetterTimeout);

        // A good broadcast after them is delivered, into a channel whose slot another master may own.
        await ScheduledBroadcasts.PostAsync(http, $$"""{"id":"dl-good","channel":"{{PoisonBroadcasts.Channel}}","data":"good"}""", Ct);
        await ScheduledBroadcasts.WaitForStateAsync(http, "dl-good", "delivered", $" after the poison broadcasts\n--- worker ---\n{worker.Output}");
        Assert.Empty(await PoisonBroadcasts.ProblemsAsync(http, Cli, worker));

        JsonObject broadcasts = null!;
        await TestWait.Until(async () =>
        {
            using var response = await worker.Http.GetAsync("/health", Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            broadcasts = JsonNode.Parse(body)!["checks"]!["broadcasts"]!.AsObject();
            var data = broadcasts["data"]!;
            return ((long?)data["dead"] == PoisonBroadcasts.Reasons.Count && (long?)data["pending"] == 0, body);
        }, $"the Worker's /health to count {PoisonBroadcasts.Reasons.Count} dead letters and nothing pending", LagSampleTimeout);

        Assert.Equal("Healthy", (string?)broadcasts["status"]);
        Assert.Equal(0, (double)broadcasts["data"]!["oldestDueAgeSeconds"]!);
        Assert.Equal(PoisonBroadcasts.Reasons.Count, long.Parse((await Cli(["XLEN", PoisonBroadcasts.Dead])).Trim()));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
