using System.Diagnostics;
using VibeZ.AppHost.Tests.Infrastructure;
using VibeZ.AppHost.Tests.Integration.Tls;

namespace VibeZ.AppHost.Tests.Integration.Faults;

[Collection(IntegrationCollection.Name)]
[TestCaseOrderer(typeof(DisruptiveTestsLast))]
[Trait("Category", "Integration")]
public sealed class SentinelProcessFaultCommandTests(SentinelProcessFaultCommandTests.Fixture topology)
    : FaultCommandTests(topology), IClassFixture<SentinelProcessFaultCommandTests.Fixture>
{
    [Fact]
    [Trait(DisruptiveTestsLast.Trait, "true")]
    public async Task ForceFailoverMakesTheSentinelsNameANewMasterAndTheServicesFollow()
    {
        await UntilTheTopologyIsHealthyAsync();
        var (oldMaster, replica) = await MasterAndReplicaAsync();
        var clock = Stopwatch.StartNew();

        var result = await Topology.ExecuteCommandAsync(Topology.Topology.Name, RedisFaultCommands.ForceFailover);

        Assert.True(result.Success, $"Force failover failed: {result.Message}");
        Assert.Contains($"failed mymaster over from {oldMaster.Name} to {replica.Name}", result.Message);
        var commandDone = clock.Elapsed;
        await TestWait.Until(async () => (await SentinelAnswersAsync()).All(m => m == replica), TimeSpan.FromSeconds(10),
            $"every sentinel to name {replica.Name} the master", Topology.States);

        // The services hear +switch-master and report the failover completed, in the words of docs/redis/resilience.md.
        var (line, seenAt) = await Topology.WaitForLogAsync("worker", $"Redis failover completed: master moved from 127.0.0.1:{oldMaster.Port} to 127.0.0.1:{replica.Port}", TimeSpan.FromSeconds(30));
        var servicesDone = clock.Elapsed - (DateTimeOffset.Now - seenAt);

        // The new master takes writes once a replica is in sync again: the old master, once Sentinel converts it.
        await TestWait.Until(async () => await TakesWritesAsync(replica), TimeSpan.FromSeconds(30), $"{replica.Name} to take writes", Topology.States);
        var writesBack = clock.Elapsed;
        await Topology.WaitUntilReplicaInSyncAsync(oldMaster);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"Force failover: the command answered after {commandDone.TotalMilliseconds:0} ms ({result.Message}); the worker logged completion at {servicesDone.TotalMilliseconds:0} ms ('{line.Trim()}'); {replica.Name} took writes at {writesBack.TotalMilliseconds:0} ms.");
    }

    protected override async Task<(RedisNode Master, RedisNode Replica)> MasterAndReplicaAsync()
    {
        var master = (await SentinelAnswersAsync())[0];
        return (master, Topology.Topology.Nodes.Single(n => n.IsDataNode && n != master));
    }

    private async Task<List<RedisNode>> SentinelAnswersAsync()
    {
        var masters = new List<RedisNode>();
        foreach (var sentinel in Topology.Topology.Nodes.Where(n => n.Role is RedisNodeRole.Sentinel))
        {
            var port = int.Parse((await Topology.QueryAsync(sentinel, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster")).Split('\n')[1], System.Globalization.CultureInfo.InvariantCulture);
            masters.Add(Topology.Topology.Nodes.Single(n => n.IsDataNode && n.Port == port));
        }

        return masters;
    }

    private async Task<bool> TakesWritesAsync(RedisNode node)
    {
        try
        {
            return await Topology.QueryAsync(node, "SET", "vibez:test:force-failover", "x") == "OK";
        }
        catch (VibeZ.Redis.RedisNodeException ex) when (ex.IsErrorReply)
        {
            return false;
        }
    }

    public sealed class Fixture() : TlsTopologyFixture(RedisTopologyKind.Sentinel, RedisRuntime.Process, portOffset: 1130);
}
