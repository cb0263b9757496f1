using VibeZ.Testing.Processes;

namespace VibeZ.Worker.Tests.Registry;

/// <summary>
/// Two real Gateway processes announce themselves in the registry; one is killed with SIGKILL, and a real Worker
/// process, holding the registry lease, removes its entry from the index.
/// </summary>
[Trait("Category", "Integration")]
public sealed class GatewayRegistryTests
{
    private const string Index = "vibez:gateways:{all}:index";
    private const string Interval = "0.5";

    [Fact]
    public async Task GatewaysAnnounceThemselvesAndAWorkerRemovesAKilledOnesEntry()
    {
        await using var topology = await GatewayTopology.StartAsync("single", ("Gateway__PresenceHeartbeatSeconds", Interval));
        var redis = topology.Single!;
        await TestWait.Until(async () =>
        {
            var index = await RedisCli.RunAsync(redis.Port, redis.Password, "ZRANGE", Index, "0", "-1");
            return (index.Contains(topology.First.Node, StringComparison.Ordinal) && index.Contains(topology.Second.Node, StringComparison.Ordinal), index);
        }, "both Gateways in the registry's index");

        var address = (await RedisCli.RunAsync(redis.Port, redis.Password, "HGET", "vibez:gateways:{all}:n:" + topology.First.Node, "address")).Trim();
        Assert.Equal(topology.First.BaseAddress.ToString().TrimEnd('/'), address.TrimEnd('/'));

        await using var worker = await ServiceProcess.StartAsync(ServiceProcess.BuildOutput("VibeZ.Worker"), "/alive",
            [.. topology.RedisSettings, ("Registry__CleanupIntervalSeconds", Interval)], TimeSpan.FromSeconds(30));
        await topology.First.KillAsync();

        await TestWait.Until(async () =>
        {
            var index = await RedisCli.RunAsync(redis.Port, redis.Password, "ZRANGE", Index, "0", "-1");
            var hash = (await RedisCli.RunAsync(redis.Port, redis.Password, "EXISTS", "vibez:gateways:{all}:n:" + topology.First.Node)).Trim();
            return (!index.Contains(topology.First.Node, StringComparison.Ordinal) && hash == "0" && index.Contains(topology.Second.Node, StringComparison.Ordinal),
                $"index [{index.ReplaceLineEndings(" ")}], killed Gateway's hash exists: {hash}");
        }, $"the killed Gateway {topology.First.Node} to leave the registry while {topology.Second.Node} stays");
        await TestWait.Until(() => Task.FromResult((worker.Output.Contains(topology.First.Node, StringComparison.Ordinal), worker.Output)),
            "the Worker to log that it removed the killed Gateway");
    }
}
