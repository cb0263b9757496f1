using VibeZ.AppHost.Tests.Infrastructure;

namespace VibeZ.AppHost.Tests.Integration.Sentinel;

public abstract class SentinelTopologyTests(TopologyFixture topology) : TopologyTests(topology)
{
    [Fact]
    public async Task TheSentinelsAgreeOnOneMasterAndKnowEachOther()
    {
        var sentinels = Topology.Topology.Nodes.Where(n => n.Role is RedisNodeRole.Sentinel).ToList();

        var masters = new List<string>();
        foreach (var sentinel in sentinels)
        {
            masters.Add((await Topology.QueryAsync(sentinel, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster")).Replace('\n', ':'));
            var master = Pairs(await Topology.QueryAsync(sentinel, "SENTINEL", "MASTER", "mymaster"));
            Assert.Equal($"{sentinels.Count - 1}", master["num-other-sentinels"]);
        }

        var dataNodes = Topology.Topology.Nodes.Where(n => n.IsDataNode).Select(n => $"{Topology.Topology.AnnouncedHost(n)}:{n.Port}");
        Assert.Single(masters.Distinct());
        Assert.Contains(masters[0], dataNodes);
    }

    [Fact]
    [Trait(DisruptiveTestsLast.Trait, "true")]
    public async Task ACrashedMasterStartedAgainFromTheDashboardRejoinsAsAReplica()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var sentinel = Topology.Topology.Nodes.First(n => n.Role is RedisNodeRole.Sentinel);
        var oldMaster = await CurrentMasterAsync(sentinel);

        await Topology.CrashAsync(oldMaster);
        await TestWait.Until(async () => await CurrentMasterAsync(sentinel) != oldMaster, TimeSpan.FromSeconds(30),
            $"the sentinels to fail over from {oldMaster.Name}", Topology.States);

        await Topology.StartFromDashboardAsync(oldMaster);

        // Sentinel converts a returning old master into a replica of the new one.
        await Topology.WaitUntilReplicaInSyncAsync(oldMaster);
        await TestWait.For(Topology.Notifications.WaitForResourceHealthyAsync(oldMaster.Name, cancellationToken), TimeSpan.FromSeconds(30),
            $"{oldMaster.Name} to be healthy again", Topology.States);
    }

    private async Task<RedisNode> CurrentMasterAsync(RedisNode sentinel)
    {
        var answer = (await Topology.QueryAsync(sentinel, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster")).Split('\n');
        return Topology.Topology.Nodes.Single(n => n.IsDataNode && n.Port == int.Parse(answer[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Reads a flat field/value array, as SENTINEL MASTER answers.</summary>
    private static Dictionary<string, string> Pairs(string reply)
    {
        var items = reply.Split('\n');
        return Enumerable.Range(0, items.Length / 2).ToDictionary(i => items[2 * i], i => items[(2 * i) + 1]);
    }
}
