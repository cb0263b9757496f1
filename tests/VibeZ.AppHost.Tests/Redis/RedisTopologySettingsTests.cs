using Microsoft.Extensions.Configuration;
using VibeZ.AppHost.Tests.Infrastructure;

namespace VibeZ.AppHost.Tests.Redis;

public class RedisTopologySettingsTests
{
    [Fact]
    public void NothingConfiguredGivesTheDocumentsSentinelTopology()
    {
        var settings = Read();

        Assert.Equal(RedisTopologyKind.Sentinel, settings.Topology);
        Assert.Equal((6379, 6380, 26379, 2, 5000, 10000, 1), (settings.MasterPort, settings.ReplicaPort, settings.SentinelPort, settings.Quorum, settings.DownAfterMilliseconds, settings.FailoverTimeoutMilliseconds, settings.ParallelSyncs));
        Assert.Equal("docker.io/library/redis:7.0.15", settings.Image.ToString());
        Assert.Equal(5, settings.MinReplicasMaxLagSeconds);
        Assert.Equal((512, 256, 64, 60), (settings.MaxMemoryMegabytes, settings.ClientOutputBufferHardLimitMegabytes, settings.ClientOutputBufferSoftLimitMegabytes, settings.ClientOutputBufferSoftLimitSeconds));
    }

    [Theory]
    [InlineData("localhost/vibez-redis:7.0.15", "localhost", "vibez-redis", "7.0.15")]
    [InlineData("redis:7.0.15", "docker.io", "redis", "7.0.15")]
    [InlineData("ghcr.io/acme/redis", "ghcr.io", "acme/redis", "latest")]
    [InlineData("registry:5000/redis:7", "registry:5000", "redis", "7")]
    public void ImageReferencesSplitLikeDockerSplitsThem(string reference, string registry, string name, string tag) =>
        Assert.Equal(new RedisImage(registry, name, tag), Read(("Image", reference)).Image);

    [Theory]
    [InlineData("Topology", "ring", "VibeZ:Redis:Topology is 'ring', which is not one of: single, sentinel, cluster.")]
    [InlineData("Runtime", "vm", "VibeZ:Redis:Runtime is 'vm', which is not one of: auto, container, process.")]
    [InlineData("Quorum", "4", "VibeZ:Redis:Quorum is 4, but it must be between 1 and the number of sentinels (VibeZ:Redis:Sentinels = 3).")]
    [InlineData("Quorum", "two", "VibeZ:Redis:Quorum is 'two', which is not a whole number.")]
    [InlineData("MasterName", " ", "VibeZ:Redis:MasterName is ' '")]
    [InlineData("Image", "redis :7", "VibeZ:Redis:Image is 'redis :7', which is not an image reference")]
    [InlineData("MinReplicasMaxLagSeconds", "0", "VibeZ:Redis:MinReplicasMaxLagSeconds is 0; it must be at least 1 (Redis reads 0 as switching the replica check off).")]
    [InlineData("MaxMemoryMegabytes", "0", "VibeZ:Redis:MaxMemoryMegabytes is 0; it must be at least 1 (Redis reads 0 as no limit).")]
    [InlineData("ClientOutputBufferHardLimitMegabytes", "0", "VibeZ:Redis:ClientOutputBufferHardLimitMegabytes is 0; it must be at least 1 (Redis reads 0 as no limit).")]
    [InlineData("ClientOutputBufferSoftLimitMegabytes", "300", "VibeZ:Redis:ClientOutputBufferSoftLimitMegabytes is 300; it must be between 1 and VibeZ:Redis:ClientOutputBufferHardLimitMegabytes (256).")]
    [InlineData("ClientOutputBufferSoftLimitSeconds", "0", "VibeZ:Redis:ClientOutputBufferSoftLimitSeconds is 0; it must be at least 1.")]
    [InlineData("MinReplicasMaxLagSeconds", "soon", "VibeZ:Redis:MinReplicasMaxLagSeconds is 'soon', which is not a whole number.")]
    public void BadSettingsAreRefusedWithAMessageThatNamesThem(string key, string value, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read((key, value)));

        Assert.Contains(expected, error.Message);
    }

    // Ports are checked where the nodes are planned, the one place that knows every port a node binds.
    [Theory]
    [InlineData("sentinel", "ReplicaPort", "6379", "Port 6379 is wanted by both redis-master (VibeZ:Redis:MasterPort + VibeZ:Redis:PortOffset) and redis-replica (VibeZ:Redis:ReplicaPort + VibeZ:Redis:PortOffset).")]
    [InlineData("sentinel", "PortOffset", "60000", "The port of redis-sentinel-1 (VibeZ:Redis:SentinelPort + VibeZ:Redis:PortOffset) would be 86379, outside 1–65535.")]
    // The nodes fit (56000–56005); their bus ports, 10000 higher, do not.
    [InlineData("cluster", "ClusterPort", "56000", "The port of the cluster bus of redis-node-0 (VibeZ:Redis:ClusterPort + 10000 + VibeZ:Redis:PortOffset) would be 66000, outside 1–65535.")]
    public void PortsThatCannotWorkAreRefusedWithAMessageThatNamesTheirSettings(string topology, string key, string value, string expected)
    {
        var settings = Read(("Topology", topology), (key, value));

        var error = Assert.Throws<InvalidOperationException>(() => RedisTopologyPlan.Nodes("redis", settings));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void AClusterNeedsThreeMasters()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read(("Topology", "cluster"), ("ClusterMasters", "2")));

        Assert.Contains("VibeZ:Redis:ClusterMasters is 2; Redis Cluster needs at least 3 masters.", error.Message);
    }

    [Fact]
    public async Task TheAppHostStopsAtOnceOnABadSetting()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            AppHostModel.CreateAsync(["--VibeZ:Redis:Topology=ring"]));

        Assert.Contains("VibeZ:Redis:Topology is 'ring'", ExceptionMessages.Flatten(error));
    }

    [Fact]
    public async Task TheAppHostStopsOnAPortWantedTwice()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            AppHostModel.CreateAsync(AppHostArguments.For(RedisTopologyKind.Sentinel, RedisRuntime.Process, extra: "--VibeZ:Redis:ReplicaPort=6379")));

        Assert.Contains("Port 6379 is wanted by both redis-master (VibeZ:Redis:MasterPort + VibeZ:Redis:PortOffset)", ExceptionMessages.Flatten(error));
    }

    private static RedisTopologySettings Read(params (string Key, string Value)[] values) =>
        RedisTopologySettings.Read(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>($"VibeZ:Redis:{v.Key}", v.Value)))
            .Build());
}
