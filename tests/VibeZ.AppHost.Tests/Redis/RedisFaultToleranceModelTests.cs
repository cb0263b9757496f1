using VibeZ.AppHost.Tests.Infrastructure;

namespace VibeZ.AppHost.Tests.Redis;

/// <summary>
/// What the model says about writes without a replica (<c>min-replicas-to-write</c>), <c>DEBUG</c> and the fault
/// commands, built without starting anything.
/// </summary>
public class RedisFaultToleranceModelTests
{
    [Theory]
    [InlineData(RedisTopologyKind.Sentinel)]
    [InlineData(RedisTopologyKind.Cluster)]
    public async Task EveryDataNodeThatCanHaveAReplicaRefusesWritesWithoutOne(RedisTopologyKind kind)
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(kind, RedisRuntime.Process));
        var topology = appHost.Resources.OfType<RedisTopologyResource>().Single();

        foreach (var node in topology.Nodes)
        {
            var config = RedisNodeConfigFile.Render(topology, node, TestSecrets.Default);
            var expected = node.IsDataNode ? 1 : 0;
            Assert.True(
                Lines(config).Count(l => l is "min-replicas-to-write 1" or "min-replicas-max-lag 5") == 2 * expected,
                $"{node.Name} ({node.Role}) should {(node.IsDataNode ? "" : "not ")}have min-replicas-to-write 1 and min-replicas-max-lag 5; its config:\n{config}");
        }
    }

    [Fact]
    public async Task TheSingleServerTakesWritesAlone()
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(RedisTopologyKind.Single, RedisRuntime.Process));
        var topology = appHost.Resources.OfType<RedisTopologyResource>().Single();

        Assert.DoesNotContain("min-replicas", RedisNodeConfigFile.Render(topology, topology.Master, TestSecrets.Default), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AClusterWithoutReplicasLetsItsMastersWriteAlone()
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(RedisTopologyKind.Cluster, RedisRuntime.Process, extra: "--VibeZ:Redis:ClusterReplicasPerMaster=0"));
        var topology = appHost.Resources.OfType<RedisTopologyResource>().Single();

        Assert.All(topology.Nodes, node => Assert.DoesNotContain("min-replicas", RedisNodeConfigFile.Render(topology, node, TestSecrets.Default), StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheReplicaLagComesFromItsSetting()
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(RedisTopologyKind.Sentinel, RedisRuntime.Process, extra: "--VibeZ:Redis:MinReplicasMaxLagSeconds=9"));
        var topology = appHost.Resources.OfType<RedisTopologyResource>().Single();

        Assert.Contains("min-replicas-max-lag 9", Lines(RedisNodeConfigFile.Render(topology, topology.Master, TestSecrets.Default)));
    }

    public static TheoryData<RedisTopologyKind, string[]> CommandsInDevelopment => new()
    {
        { RedisTopologyKind.Single, ["redis: -", "redis-server: redis-crash redis-hang"] },
        {
            RedisTopologyKind.Sentinel,
            [
                "redis: redis-force-failover",
                "redis-master: redis-crash redis-hang redis-stall-replication",
                "redis-replica: redis-crash redis-hang redis-stall-replication",
                "redis-sentinel-1: -", "redis-sentinel-2: -", "redis-sentinel-3: -",
            ]
        },
        {
            RedisTopologyKind.Cluster,
            [
                "redis: redis-force-failover",
                .. Enumerable.Range(0, 6).Select(i => $"redis-node-{i}: redis-crash redis-hang redis-stall-replication"),
            ]
        },
    };

    [Theory]
    [MemberData(nameof(CommandsInDevelopment))]
    public async Task InDevelopmentDataNodesAcceptDebugAndOfferTheFaultCommands(RedisTopologyKind kind, string[] expected)
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(kind, RedisRuntime.Process));
        var topology = appHost.Resources.OfType<RedisTopologyResource>().Single();

        Assert.Equal("Development", appHost.Environment.EnvironmentName);
        Assert.True(topology.DebugCommandsEnabled);
        Assert.Equal(expected, Commands(appHost, topology));
        Assert.All(topology.Nodes.Where(n => n.IsDataNode), node => Assert.Contains("enable-debug-command yes", Lines(RedisNodeConfigFile.Render(topology, node, TestSecrets.Default))));
    }

    [Theory]
    [InlineData(RedisTopologyKind.Sentinel, "redis: redis-force-failover")]
    [InlineData(RedisTopologyKind.Cluster, "redis: redis-force-failover")]
    [InlineData(RedisTopologyKind.Single, "redis: -")]
    public async Task OutsideDevelopmentNoNodeAcceptsDebugAndOnlyForceFailoverRemains(RedisTopologyKind kind, string topologyCommands)
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(kind, RedisRuntime.Process), "Production");
        var topology = appHost.Resources.OfType<RedisTopologyResource>().Single();

        Assert.False(topology.DebugCommandsEnabled);
        Assert.Equal([topologyCommands, .. topology.Nodes.Select(n => $"{n.Name}: -")], Commands(appHost, topology));
        Assert.All(topology.Nodes, node => Assert.DoesNotContain("enable-debug-command", RedisNodeConfigFile.Render(topology, node, TestSecrets.Default), StringComparison.Ordinal));
    }

    /// <summary>Each resource of the topology with the VibeZ commands it offers (Aspire's own start/stop/restart aside).</summary>
    private static List<string> Commands(IDistributedApplicationTestingBuilder appHost, RedisTopologyResource topology) =>
    [
        .. new[] { topology.Name }.Concat(topology.Nodes.Select(n => n.Name)).Select(name =>
        {
            var names = appHost.Resources.Single(r => r.Name == name).Annotations.OfType<ResourceCommandAnnotation>()
                .Select(c => c.Name).Where(c => c.StartsWith("redis-", StringComparison.Ordinal)).ToList();
            return $"{name}: {(names.Count == 0 ? "-" : string.Join(' ', names))}";
        }),
    ];

    private static string[] Lines(string config) => config.Split('\n', StringSplitOptions.TrimEntries);
}
