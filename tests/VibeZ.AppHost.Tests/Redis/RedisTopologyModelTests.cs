using VibeZ.AppHost.Tests.Infrastructure;

namespace VibeZ.AppHost.Tests.Redis;

/// <summary>Builds the AppHost's model for each profile without starting anything.</summary>
public class RedisTopologyModelTests
{
    public static TheoryData<RedisTopologyKind, Type, string[]> NodesOfEachTopology => new()
    {
        { RedisTopologyKind.Single, typeof(RedisServerResource), ["redis-server:6379"] },
        { RedisTopologyKind.Sentinel, typeof(RedisSentinelResource), ["redis-master:6379", "redis-replica:6380", "redis-sentinel-1:26379", "redis-sentinel-2:26380", "redis-sentinel-3:26381"] },
        { RedisTopologyKind.Cluster, typeof(RedisClusterResource), ["redis-node-0:7000", "redis-node-1:7001", "redis-node-2:7002", "redis-node-3:7003", "redis-node-4:7004", "redis-node-5:7005"] },
    };

    [Theory]
    [MemberData(nameof(NodesOfEachTopology))]
    public async Task EachTopologyHasItsNodesOnUnproxiedDocumentedPorts(RedisTopologyKind kind, Type resourceType, string[] expected)
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(kind, RedisRuntime.Process));
        Assert.IsType(resourceType, appHost.Resources.OfType<RedisTopologyResource>().Single());

        var nodes = appHost.Resources.OfType<IRedisNodeResource>().ToList();
        var endpoints = nodes.Select(n => n.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "tcp")).ToList();

        Assert.Equal(expected, nodes.Select(n => $"{n.Name}:{n.Node.Port}"));
        Assert.All(endpoints, e => Assert.False(e.IsProxied, $"{e.Name} must not be proxied: nodes announce the port they listen on"));
        Assert.Equal(nodes.Select(n => (int?)n.Node.Port), endpoints.Select(e => e.Port));
        var topology = appHost.Resources.OfType<RedisTopologyResource>().Single();
        Assert.All(nodes, n => Assert.Same(topology, n.Topology));
        Assert.All(nodes, n => Assert.Contains(n.Annotations.OfType<ResourceRelationshipAnnotation>(), r => r.Resource == topology && r.Type == "Parent"));
    }

    [Fact]
    public async Task ThePortOffsetMovesEveryPortIncludingClusterBusPorts()
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(RedisTopologyKind.Cluster, RedisRuntime.Container, portOffset: 100));

        var nodes = appHost.Resources.OfType<RedisContainerNodeResource>().ToList();

        Assert.Equal(Enumerable.Range(7100, 6), nodes.Select(n => n.Node.Port));
        Assert.Equal(Enumerable.Range(17100, 6), nodes.Select(n => n.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "bus").Port!.Value));
        Assert.Equal(Enumerable.Range(17100, 6), nodes.Select(n => n.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "bus").TargetPort!.Value));
    }

    [Fact]
    public async Task ContainerNodesRunTheConfiguredImageFromTheirOwnDataFolder()
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(RedisTopologyKind.Sentinel, RedisRuntime.Container));

        var sentinel = appHost.Resources.OfType<RedisContainerNodeResource>().Single(n => n.Name == "redis-sentinel-2");
        var image = sentinel.Annotations.OfType<ContainerImageAnnotation>().Single();
        var mounts = appHost.Resources.OfType<RedisContainerNodeResource>()
            .Select(n => n.Annotations.OfType<ContainerMountAnnotation>().Single().Source).ToList();

        Assert.Equal(AppHostArguments.Image, $"{image.Registry}/{image.Image}:{image.Tag}");
        Assert.Equal("/bin/sh", sentinel.Entrypoint);
        Assert.Equal(["-c", "umask 077 && exec redis-server \"$0\" \"$@\"", "/data/sentinel.conf", "--sentinel"], await ArgumentsAsync(sentinel));
        Assert.Equal(mounts.Count, mounts.Distinct().Count());
        Assert.All(mounts, m => Assert.DoesNotContain(RepositoryRoot(), m!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ProcessNodesRunRedisServerWithTheirConfigFile()
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(RedisTopologyKind.Sentinel, RedisRuntime.Process));

        var replica = appHost.Resources.OfType<RedisProcessNodeResource>().Single(n => n.Name == "redis-replica");

        // Under a shell whose umask keeps the config files Redis rewrites private (mode 600).
        Assert.Equal("/bin/sh", replica.Command);
        Assert.Equal(["-c", "umask 077 && exec redis-server \"$0\" \"$@\"", Path.Combine(replica.WorkingDirectory, "redis.conf")], await ArgumentsAsync(replica));
    }

    [Fact]
    public async Task TheClusterIsCreatedByAStepThatWaitsForEveryNode()
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(RedisTopologyKind.Cluster, RedisRuntime.Process));

        var create = appHost.Resources.Single(r => r.Name == "redis-cluster-create");
        var waits = create.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name).ToList();
        var script = (await ArgumentsAsync((IResourceWithArgs)create))[1];

        Assert.All(Enumerable.Range(0, 6), i => Assert.Contains($"redis-node-{i}", waits));
        Assert.Contains("redis-cli --cluster create 127.0.0.1:7000 127.0.0.1:7001 127.0.0.1:7002 127.0.0.1:7003 127.0.0.1:7004 127.0.0.1:7005 --cluster-replicas 1 --cluster-yes", script);
    }

    [Fact]
    public async Task ContainerNodesJoinTheTopologysOwnNetworkAtFixedAddressesAndKnowEveryNodeByName()
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(RedisTopologyKind.Cluster, RedisRuntime.Container, extra: "--Parameters:redis-password=s3cret"));
        var topology = appHost.Resources.OfType<RedisTopologyResource>().Single();

        // What the application does when it starts: create the network and learn the subnet the runtime gave it.
        topology.ContainerNetwork!.EnsureCreated((_, args) => args is ["network", "inspect", ..] ? new ProgramRun(0, "10.89.7.0/24 ", "") : new ProgramRun(0, "", ""), "test");
        var node = appHost.Resources.OfType<RedisContainerNodeResource>().Single(n => n.Name == "redis-node-2");
        var create = (ContainerResource)appHost.Resources.Single(r => r.Name == "redis-cluster-create");
        var client = appHost.AddExecutable("client", "true", ".").WithReference(appHost.CreateResourceBuilder<RedisTopologyResource>("redis"));

        var nodeArguments = await RuntimeArgumentsAsync(node);
        var hostEntries = Enumerable.Range(0, 6).SelectMany(i => new[] { "--add-host", $"redis-node-{i}:10.89.7.{10 + i}" });
        Assert.Equal(["--network", "vibez-redis-cluster-7000:ip=10.89.7.12", .. hostEntries], nodeArguments);
        Assert.Equal(["--network", "vibez-redis-cluster-7000:ip=10.89.7.16", .. hostEntries], await RuntimeArgumentsAsync(create));
        Assert.Contains("cluster-announce-ip 10.89.7.12", RedisNodeConfigFile.Render(topology, node.Node, TestSecrets.Default), StringComparison.Ordinal);

        // Nodes announce their fixed addresses, so clients are seeded with them and reach them through the NAT map.
        var environment = await EnvironmentAsync(client.Resource);
        Assert.Equal(string.Join(',', Enumerable.Range(0, 6).Select(i => $"10.89.7.{10 + i}:{7000 + i}")), environment["REDIS_CLUSTER_NODES"]);
        Assert.Equal(string.Join(',', Enumerable.Range(0, 6).Select(i => $"10.89.7.{10 + i}:{7000 + i}=127.0.0.1:{7000 + i}")), environment["REDIS_NAT_MAP"]);
    }

    public static TheoryData<RedisTopologyKind, RedisRuntime, string[]> InjectedSettings => new()
    {
        { RedisTopologyKind.Single, RedisRuntime.Process, ["REDIS_MODE=single", "REDIS_URL=redis://127.0.0.1:6379"] },
        { RedisTopologyKind.Sentinel, RedisRuntime.Process, ["REDIS_MODE=sentinel", "REDIS_SENTINELS=127.0.0.1:26379,127.0.0.1:26380,127.0.0.1:26381", "REDIS_SENTINEL_NAME=mymaster"] },
        { RedisTopologyKind.Cluster, RedisRuntime.Process, ["REDIS_MODE=cluster", "REDIS_CLUSTER_NODES=127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003,127.0.0.1:7004,127.0.0.1:7005"] },
        {
            RedisTopologyKind.Sentinel, RedisRuntime.Container,
            [
                "REDIS_MODE=sentinel", "REDIS_SENTINELS=127.0.0.1:26379,127.0.0.1:26380,127.0.0.1:26381", "REDIS_SENTINEL_NAME=mymaster",
                "REDIS_NAT_MAP=redis-master:6379=127.0.0.1:6379,redis-replica:6380=127.0.0.1:6380,redis-sentinel-1:26379=127.0.0.1:26379,redis-sentinel-2:26380=127.0.0.1:26380,redis-sentinel-3:26381=127.0.0.1:26381",
            ]
        },
    };

    [Theory]
    [MemberData(nameof(InjectedSettings))]
    public async Task AReferenceInjectsTheDocumentsRedisVariables(RedisTopologyKind kind, RedisRuntime runtime, string[] expected)
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(kind, runtime, extra: ["--Parameters:redis-password=s3cret", "--Parameters:redis-service-password=service-s3cret"]));

        // A bare executable carries only the reference's variables; a project's own callbacks wait for allocated ports.
        var topology = appHost.CreateResourceBuilder<RedisTopologyResource>("redis");
        var client = appHost.AddExecutable("client", "true", ".").WithReference(topology);
        var environment = await EnvironmentAsync(client.Resource);

        // Services get their least-privilege user, never the operator's default user and its password.
        Assert.Equal(expected.Append("REDIS_USERNAME=vibez-app").Append("REDIS_PASSWORD=service-s3cret").Order(), environment.Select(e => $"{e.Key}={e.Value}").Order());
    }

    [Theory]
    [InlineData("gateway")]
    [InlineData("worker")]
    public async Task ServicesReferenceAndWaitForTheTopology(string service)
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(RedisTopologyKind.Sentinel, RedisRuntime.Process));

        var resource = appHost.Resources.Single(r => r.Name == service);

        Assert.Contains(resource.Annotations.OfType<WaitAnnotation>(), w => w.Resource.Name == "redis");
        Assert.Contains(resource.Annotations.OfType<ResourceRelationshipAnnotation>(), r => r.Resource.Name == "redis" && r.Type == "Reference");
        Assert.Contains(resource.Annotations.OfType<EnvironmentCallbackAnnotation>(), _ => true);

        // Healthy means the service answers /health (Redis included), not merely that its process started.
        Assert.Single(resource.Annotations.OfType<HealthCheckAnnotation>());
    }

    // These helpers are what Aspire's own model tests use; their replacement, ExecutionConfigurationBuilder, needs a
    // running application's execution context and logger.
#pragma warning disable CS0618
    private static async Task<List<string>> ArgumentsAsync(IResourceWithArgs resource) =>
        [.. (await resource.GetArgumentValuesAsync(DistributedApplicationOperation.Run))];

    private static async Task<Dictionary<string, string>> EnvironmentAsync(IResourceWithEnvironment resource) =>
        await resource.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Run);
#pragma warning restore CS0618

    private static async Task<List<string>> RuntimeArgumentsAsync(ContainerResource resource)
    {
        var arguments = new List<object>();
        foreach (var annotation in resource.Annotations.OfType<ContainerRuntimeArgsCallbackAnnotation>())
        {
            await annotation.Callback(new ContainerRuntimeArgsCallbackContext(arguments, TestContext.Current.CancellationToken));
        }

        return [.. arguments.Select(a => a.ToString()!)];
    }

    private static string RepositoryRoot() => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
}
