using System.Globalization;
using VibeZ.AppHost.Tests.Infrastructure;
using VibeZ.AppHost.Tests.Integration.Tls;

namespace VibeZ.AppHost.Tests.Integration.Faults;

[Collection(IntegrationCollection.Name)]
[TestCaseOrderer(typeof(DisruptiveTestsLast))]
[Trait("Category", "Integration")]
public sealed class ClusterProcessFaultCommandTests(ClusterProcessFaultCommandTests.Fixture topology)
    : FaultCommandTests(topology), IClassFixture<ClusterProcessFaultCommandTests.Fixture>
{
    [Fact]
    [Trait(DisruptiveTestsLast.Trait, "true")]
    public async Task ForceFailoverPromotesAReplicaThatEveryNodeNamesMaster()
    {
        await UntilTheTopologyIsHealthyAsync();
        var before = await MastersAsync(Topology.Topology.Nodes[0]);

        var result = await Topology.ExecuteCommandAsync(Topology.Topology.Name, RedisFaultCommands.ForceFailover);

        Assert.True(result.Success, $"Force failover failed: {result.Message}");
        List<string> after = [];
        await TestWait.Until(async () =>
        {
            var views = new List<List<string>>();
            foreach (var node in Topology.Topology.Nodes)
            {
                views.Add(await MastersAsync(node));
            }

            after = views[0];
            return views.All(v => v.SequenceEqual(after)) && !after.SequenceEqual(before);
        }, TimeSpan.FromSeconds(15), "every node to agree on a new set of masters", Topology.States);

        var oldMaster = Assert.Single(before.Except(after));
        var newMaster = Assert.Single(after.Except(before));
        Assert.Contains($"{newMaster} took over slots", result.Message);
        Assert.Contains($"from {oldMaster} in", result.Message);
        await Topology.WaitUntilReplicaInSyncAsync(Topology.Topology.Nodes.Single(n => n.Name == oldMaster));
        TestContext.Current.TestOutputHelper?.WriteLine(result.Message ?? "");
    }

    protected override async Task<(RedisNode Master, RedisNode Replica)> MasterAndReplicaAsync()
    {
        var nodes = await Topology.ClusterNodesAsync(Topology.Topology.Nodes[0]);
        var master = nodes.Where(n => !n.IsReplica && n.Slots.Count > 0).OrderBy(n => n.Port()).First();
        var replica = nodes.First(n => n.ParentNodeId == master.NodeId);
        return (NodeAt(master.Port()), NodeAt(replica.Port()));
    }

    protected override async Task<string> KeyServedByAsync(RedisNode master)
    {
        var myself = (await Topology.ClusterNodesAsync(master)).Single(n => n.IsMyself);
        var ranges = myself.Slots;
        for (var i = 0; i < 10_000; i++)
        {
            var key = $"vibez:test:fault:{i}";
            var slot = int.Parse(await Topology.QueryAsync(master, "CLUSTER", "KEYSLOT", key), CultureInfo.InvariantCulture);
            if (ranges.Any(r => slot >= r.From && slot <= r.To))
            {
                return key;
            }
        }

        throw new InvalidOperationException($"No key of 10000 tried hashes to the slots of {master.Name} ({string.Join(' ', myself.Slots)}).");
    }

    /// <summary>The names of the masters that serve slots, as <paramref name="node"/> sees them.</summary>
    private async Task<List<string>> MastersAsync(RedisNode node) =>
    [
        .. (await Topology.ClusterNodesAsync(node))
            .Where(n => !n.IsReplica && !n.IsFailing() && n.Slots.Count > 0).Select(n => NodeAt(n.Port()).Name).Order(StringComparer.Ordinal),
    ];

    private RedisNode NodeAt(int port) => Topology.Topology.Nodes.Single(n => n.Port == port);

    public sealed class Fixture() : TlsTopologyFixture(RedisTopologyKind.Cluster, RedisRuntime.Process, portOffset: 1230);
}
