using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using VibeZ.AppHost.Tests.Infrastructure;

namespace VibeZ.AppHost.Tests.Redis;

/// <summary>What the typed builders put in the model (<c>AddRedisSentinel(…).WithSentinels(…)</c> …); nothing is started.</summary>
public class RedisTopologyBuilderTests
{
    private readonly IDistributedApplicationBuilder _builder = DistributedApplication.CreateBuilder();

    private static RedisTopologySettings Settings => new()
    {
        Runtime = RedisRuntime.Process,
        DataDirectory = Path.Combine(Path.GetTempPath(), "vibez-builder-test"),
    };

    [Fact]
    public void WithSentinelsPlansOneSentinelNodePerSentinelOnConsecutivePorts()
    {
        var redis = _builder.AddRedisSentinel("redis", Settings).WithSentinels(5);

        Assert.Equal(5, redis.Resource.Sentinels);
        Assert.Equal(
            ["redis-master:6379", "redis-replica:6380", "redis-sentinel-1:26379", "redis-sentinel-2:26380", "redis-sentinel-3:26381", "redis-sentinel-4:26382", "redis-sentinel-5:26383"],
            NodeResources().Select(n => $"{n.Name}:{n.Node.Port}"));
        Assert.Equal(redis.Resource.Nodes, NodeResources().Select(n => n.Node));
    }

    [Fact]
    public void FewerSentinelsLeaveNoNodeOfTheEarlierPlanBehind()
    {
        _builder.AddRedisSentinel("redis", Settings).WithQuorum(1).WithSentinels(1);

        Assert.Equal(["redis-master", "redis-replica", "redis-sentinel-1"], NodeResources().Select(n => n.Name));
        Assert.DoesNotContain(_builder.Resources, r => r.Name is "redis-sentinel-2" or "redis-sentinel-3");
    }

    [Fact]
    public void TheQuorumIsWhatEverySentinelMonitorsTheMasterWith()
    {
        var redis = _builder.AddRedisSentinel("redis", Settings).WithSentinels(5).WithQuorum(3);

        Assert.Equal(3, redis.Resource.Quorum);
        Assert.All(redis.Resource.Nodes.Where(n => n.Role is RedisNodeRole.Sentinel), sentinel =>
            Assert.Contains("sentinel monitor mymaster 127.0.0.1 6379 3", RedisNodeConfigFile.Render(redis.Resource, sentinel, TestSecrets.Default), StringComparison.Ordinal));
    }

    [Fact]
    public void WithMastersAndWithReplicasPerMasterSizeTheClusterAndItsCreateStep()
    {
        var redis = _builder.AddRedisCluster("redis", Settings).WithMasters(4).WithReplicasPerMaster(2);

        Assert.Equal((4, 2), (redis.Resource.Masters, redis.Resource.ReplicasPerMaster));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"redis-node-{i}:{7000 + i}"), NodeResources().Select(n => $"{n.Name}:{n.Node.Port}"));
        var create = Assert.Single(_builder.Resources, r => r.Name == "redis-cluster-create");
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"redis-node-{i}"), create.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name));
        Assert.Contains("--cluster-replicas 2 --cluster-yes", RedisClusterCreateScript.Render(redis.Resource), StringComparison.Ordinal);
    }

    [Fact]
    public void AClusterWithoutReplicasHasOneNodePerMasterThatWritesAlone()
    {
        var redis = _builder.AddRedisCluster("redis", Settings).WithReplicasPerMaster(0);

        Assert.Equal(["redis-node-0", "redis-node-1", "redis-node-2"], NodeResources().Select(n => n.Name));
        Assert.False(redis.Resource.MastersNeedAReplica);
    }

    [Fact]
    public void ANodePlannedAgainKeepsOneHealthCheck()
    {
        _builder.AddRedisSentinel("redis", Settings).WithSentinels(4).WithQuorum(1).WithSentinels(2).WithSentinels(3);

        // A second registration under one name would stop Aspire's health check service when the application starts.
        using var services = _builder.Services.BuildServiceProvider();
        var registered = services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations.Select(r => r.Name).ToList();
        Assert.Equal(registered.Count, registered.Distinct().Count());
        Assert.All(NodeResources(), node => Assert.Contains(Assert.Single(node.Annotations.OfType<HealthCheckAnnotation>()).Key, registered));
    }

    [Fact]
    public void ValuesTheTopologyAlreadyHasChangeNothing()
    {
        var redis = _builder.AddRedisSentinel("redis", Settings);
        var nodes = NodeResources();

        redis.WithSentinels(3).WithQuorum(2);

        Assert.Equal(nodes, NodeResources());
    }

    public static TheoryData<string, Action<IDistributedApplicationBuilder>, string> InvalidShapes => new()
    {
        { "sentinels", b => b.AddRedisSentinel("redis", Settings).WithSentinels(0), "A sentinel topology needs at least one sentinel (three are recommended); it was 0." },
        { "sentinels", b => b.AddRedisSentinel("redis", Settings).WithSentinels(1), "1 sentinels can never reach the quorum of 2; lower the quorum first (WithQuorum)." },
        { "quorum", b => b.AddRedisSentinel("redis", Settings).WithQuorum(0), "The quorum must be between 1 and the number of sentinels (3); it was 0." },
        { "quorum", b => b.AddRedisSentinel("redis", Settings).WithQuorum(4), "The quorum must be between 1 and the number of sentinels (3); it was 4." },
        { "masters", b => b.AddRedisCluster("redis", Settings).WithMasters(2), "Redis Cluster needs at least 3 masters; it was 2." },
        { "replicasPerMaster", b => b.AddRedisCluster("redis", Settings).WithReplicasPerMaster(-1), "The number of replicas per master cannot be negative; it was -1." },
        { "settings", b => b.AddRedisCluster("redis", Settings with { ClusterMasters = 1 }), "Redis Cluster needs at least 3 masters; it was 1." },
    };

    [Theory]
    [MemberData(nameof(InvalidShapes))]
    public void AShapeThatCannotWorkIsRefusedWithAMessageThatSaysWhy(string parameter, Action<IDistributedApplicationBuilder> build, string expected)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => build(_builder));

        Assert.Equal(parameter, error.ParamName);
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    private List<IRedisNodeResource> NodeResources() => [.. _builder.Resources.OfType<IRedisNodeResource>()];
}
