using VibeZ.AppHost.Tests.Infrastructure;

namespace VibeZ.AppHost.Tests.Redis;

/// <summary>What the model writes into every node's config about memory: <c>maxmemory</c>, its policy and client output buffers.</summary>
public class RedisMemoryLimitsModelTests
{
    // A container cluster's config needs the network's subnet, known only once the application starts.
    public static TheoryData<RedisTopologyKind, RedisRuntime> EveryTopology => new()
    {
        { RedisTopologyKind.Single, RedisRuntime.Process },
        { RedisTopologyKind.Sentinel, RedisRuntime.Process },
        { RedisTopologyKind.Cluster, RedisRuntime.Process },
        { RedisTopologyKind.Single, RedisRuntime.Container },
        { RedisTopologyKind.Sentinel, RedisRuntime.Container },
    };

    [Theory]
    [MemberData(nameof(EveryTopology))]
    public async Task EveryDataNodeRefusesWritesAtItsMemoryLimitAndBoundsNormalClientBuffers(RedisTopologyKind kind, RedisRuntime runtime)
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(kind, runtime));
        var topology = appHost.Resources.OfType<RedisTopologyResource>().Single();

        Assert.All(topology.Nodes.Where(n => n.IsDataNode), node =>
        {
            var lines = Lines(RedisNodeConfigFile.Render(topology, node, TestSecrets.Default));
            Assert.Contains("maxmemory 512mb", lines);
            Assert.Contains("maxmemory-policy noeviction", lines);
            Assert.Contains("client-output-buffer-limit normal 256mb 64mb 60", lines);
        });
    }

    [Fact]
    public async Task TheLimitsComeFromTheAppHostsSettings()
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(RedisTopologyKind.Cluster, RedisRuntime.Process,
            extra: ["--VibeZ:Redis:MaxMemoryMegabytes=100", "--VibeZ:Redis:ClientOutputBufferHardLimitMegabytes=32",
                "--VibeZ:Redis:ClientOutputBufferSoftLimitMegabytes=8", "--VibeZ:Redis:ClientOutputBufferSoftLimitSeconds=5"]));
        var topology = appHost.Resources.OfType<RedisTopologyResource>().Single();

        Assert.All(topology.Nodes, node =>
        {
            var lines = Lines(RedisNodeConfigFile.Render(topology, node, TestSecrets.Default));
            Assert.Contains("maxmemory 100mb", lines);
            Assert.Contains("client-output-buffer-limit normal 32mb 8mb 5", lines);
        });
    }

    [Fact]
    public async Task SentinelsHoldNoDataAndGetNoMemoryLimit()
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(RedisTopologyKind.Sentinel, RedisRuntime.Process));
        var topology = appHost.Resources.OfType<RedisTopologyResource>().Single();

        Assert.All(topology.Nodes.Where(n => n.Role is RedisNodeRole.Sentinel),
            node => Assert.DoesNotContain("maxmemory", RedisNodeConfigFile.Render(topology, node, TestSecrets.Default), StringComparison.Ordinal));
    }

    private static string[] Lines(string config) => config.Split('\n', StringSplitOptions.TrimEntries);
}
