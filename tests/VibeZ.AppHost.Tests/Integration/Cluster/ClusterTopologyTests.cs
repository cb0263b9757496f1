using VibeZ.AppHost.Tests.Infrastructure;

namespace VibeZ.AppHost.Tests.Integration.Cluster;

public abstract class ClusterTopologyTests(TopologyFixture topology) : TopologyTests(topology)
{
    [Fact]
    public async Task TheClusterServesAllSlotsWithThreeMastersAndThreeReplicas()
    {
        foreach (var node in Topology.Topology.Nodes)
        {
            var info = await Topology.ClusterInfoAsync(node);
            Assert.Equal(("ok", "16384", "6"), (info.Get("cluster_state"), info.Get("cluster_slots_ok"), info.Get("cluster_known_nodes")));
        }

        var nodes = (await Topology.QueryAsync(Topology.Topology.Nodes[0], "CLUSTER", "NODES")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, nodes.Count(line => line.Contains("master", StringComparison.Ordinal) && line.Split(' ').Length > 8));
        Assert.Equal(3, nodes.Count(line => line.Contains("slave", StringComparison.Ordinal)));
    }

    [Fact]
    [Trait(DisruptiveTestsLast.Trait, "true")]
    public async Task ACrashedMasterStartedAgainFromTheDashboardRejoinsAsAReplica()
    {
        RedisNode? master = null;
        foreach (var node in Topology.Topology.Nodes)
        {
            master ??= await IsMasterWithSlotsAsync(node) ? node : null;
        }

        Assert.NotNull(master);
        var survivor = Topology.Topology.Nodes.First(n => n != master);

        await Topology.CrashAsync(master);

        // Done when the survivors see the crashed node failed and three healthy masters serving every slot again.
        await TestWait.Until(async () =>
        {
            var lines = (await Topology.QueryAsync(survivor, "CLUSTER", "NODES")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var crashedFailed = lines.Single(l => l.Contains($":{master.Port}@", StringComparison.Ordinal)).Contains(",fail ", StringComparison.Ordinal);
            var servingMasters = lines.Count(l => l.Contains("master", StringComparison.Ordinal) && !l.Contains("fail", StringComparison.Ordinal) && l.Split(' ').Length > 8);
            var state = (await Topology.ClusterInfoAsync(survivor)).Get("cluster_state");
            return crashedFailed && servingMasters == 3 && state == "ok";
        }, TimeSpan.FromSeconds(30), $"the cluster to fail {master.Name} over to its replica", Topology.States);

        await Topology.StartFromDashboardAsync(master);
        await Topology.WaitUntilReplicaInSyncAsync(master);
        await TestWait.Until(async () => (await Topology.ClusterInfoAsync(master)).Get("cluster_state") == "ok",
            TimeSpan.FromSeconds(30), $"{master.Name} to see the cluster ok", Topology.States);
    }

    private async Task<bool> IsMasterWithSlotsAsync(RedisNode node)
    {
        var myself = (await Topology.QueryAsync(node, "CLUSTER", "NODES")).Split('\n').Single(l => l.Contains("myself", StringComparison.Ordinal));
        return myself.Contains("master", StringComparison.Ordinal) && myself.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length > 8;
    }
}
