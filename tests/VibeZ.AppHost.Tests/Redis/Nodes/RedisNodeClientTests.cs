using System.Diagnostics;
using System.Net;
using VibeZ.Redis;
using VibeZ.Testing.Redis;

namespace VibeZ.AppHost.Tests.Redis.Nodes;

/// <summary>
/// The node client against real redis-server processes: it asks exactly the node it names, a cluster node's
/// redirects and peers included, and a command that blocks the node is started without waiting for its reply.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RedisNodeClientTests
{
    private static readonly TimeSpan RefusalWait = TimeSpan.FromMilliseconds(500);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ANodeAnswersAboutItselfAndARefusalIsAnErrorReply()
    {
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        await using var client = new RedisNodeClient(Address(redis.Port, redis.Password));

        var replication = await client.InfoAsync("replication", Cancellation);
        Assert.Equal("master", replication.GetValueOrDefault("role"));
        Assert.Equal($"port\n{redis.Port}", await client.QueryAsync(["CONFIG", "GET", "port"], Cancellation));

        var refused = await Assert.ThrowsAsync<RedisNodeException>(() => client.QueryAsync(["NO-SUCH-COMMAND"], Cancellation));
        Assert.True(refused.IsErrorReply && refused.Message.StartsWith("ERR", StringComparison.Ordinal), $"an unknown command was answered with '{refused.Message}'");

        var login = await Assert.ThrowsAsync<RedisNodeException>(() => RedisNodeClient.QueryAsync(Address(redis.Port, "not-the-password"), ["PING"], Cancellation));
        Assert.True(login.IsErrorReply, $"a wrong password was reported as no answer: '{login.Message}'");
    }

    [Fact]
    public async Task ANodeThatIsNotThereDoesNotAnswerWithinTheTimeout()
    {
        var port = RedisServerProcess.GetFreePort();
        var clock = Stopwatch.StartNew();

        var (answered, seen) = await RedisNodeClient.PingAsync(Address(port, "any"), TimeSpan.FromSeconds(1), Cancellation);

        Assert.False(answered, $"nothing listens on {port}, yet PING was answered: '{seen}'");
        Assert.StartsWith($"127.0.0.1:{port} did not answer PING", seen, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TestWait.Timeout, $"a refused connection took {clock.Elapsed.TotalSeconds:0.#} s to report");
    }

    [Fact]
    public async Task DebugSleepIsStartedWithoutWaitingForItsReply()
    {
        await using var redis = new RedisServerProcess("redis-server", "sleep-" + Guid.NewGuid().ToString("N"), configFileText: null, "--enable-debug-command", "yes");
        await redis.InitializeAsync();
        var address = Address(redis.Port, redis.Password);

        await using (var client = new RedisNodeClient(address))
        {
            var reply = await TestWait.For(client.StartAsync(["DEBUG", "SLEEP", "5"], RefusalWait, Cancellation), "DEBUG SLEEP 5 to be sent");
            Assert.Null(reply);
        }

        // The node sleeps although the client that sent DEBUG SLEEP has gone, and answers again once it wakes.
        Assert.False(await RedisNodeClient.AnswersAsync(address, TimeSpan.FromMilliseconds(500), Cancellation), $"127.0.0.1:{redis.Port} answered PING while it should sleep");
        await TestWait.Until(
            async () => await RedisNodeClient.PingAsync(address, TimeSpan.FromSeconds(1), Cancellation) is var (answered, seen) ? (answered, seen) : default,
            $"127.0.0.1:{redis.Port} to answer PING after DEBUG SLEEP 5");
    }

    [Fact]
    public async Task ARefusedDebugSleepSurfacesAtOnce()
    {
        // Redis 7 refuses DEBUG unless enable-debug-command allows it.
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        await using var client = new RedisNodeClient(Address(redis.Port, redis.Password));

        var refused = await Assert.ThrowsAsync<RedisNodeException>(() => client.StartAsync(["DEBUG", "SLEEP", "3"], RefusalWait, Cancellation));

        Assert.True(refused.IsErrorReply && refused.Message.Contains("DEBUG", StringComparison.Ordinal), $"a refused DEBUG SLEEP was reported as '{refused.Message}'");
    }

    [Fact]
    public async Task AClusterNodeIsAskedAloneAndItsRedirectsComeBackAsItsAnswers()
    {
        await using var cluster = await RedisClusterProcesses.StartAsync(nodeTimeoutMilliseconds: 5000);
        var node = cluster.Nodes[0];
        await using var client = new RedisNodeClient(Address(node.Port, cluster.Password));

        var nodes = await client.ClusterNodesAsync(Cancellation);
        Assert.Equal(cluster.Nodes.Count, nodes.Nodes.Count);
        Assert.Equal(node.Port, Assert.IsType<IPEndPoint>(nodes.Nodes.Single(n => n.IsMyself).EndPoint).Port);

        // A key of a slot another master serves: the node answers MOVED, and the client does not follow it.
        var moved = await FirstMovedAsync(client);
        Assert.True(moved.IsErrorReply && moved.Message.Contains("MOVED", StringComparison.Ordinal) && moved.Message.Contains("redirect not followed", StringComparison.Ordinal),
            $"a write for another master's slot was answered with '{moved.Message}'");

        // The multiplexer learned all six nodes from CLUSTER NODES, and holds a connection to this one alone.
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, node.Port)], client.ConnectedEndPoints);
        foreach (var other in cluster.Nodes.Where(n => n != node))
        {
            var clients = await RedisCli.RunAsync(other.Port, cluster.Password, "CLIENT", "LIST");
            Assert.DoesNotContain("name=vibez-node-client", clients, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AClusterNodeAnswersWithoutWaitingForThePeersTheClientDoesNotDial()
    {
        await using var cluster = await RedisClusterProcesses.StartAsync(nodeTimeoutMilliseconds: 5000);
        var within = TimeSpan.FromSeconds(10);
        var clock = Stopwatch.StartNew();

        var (answered, seen) = await RedisNodeClient.PingAsync(Address(cluster.Nodes[0].Port, cluster.Password), within, Cancellation);

        // A multiplexer that discovers the cluster on connect waits for every peer it lists, and the client refuses to
        // dial them, so each PING took the whole connect timeout; answered in milliseconds, half of it is a wide margin.
        Assert.True(answered, $"127.0.0.1:{cluster.Nodes[0].Port} did not answer PING: '{seen}'");
        Assert.True(clock.Elapsed < within / 2, $"PING on a cluster node took {clock.Elapsed.TotalMilliseconds:0} ms of its {within.TotalSeconds:0} s connect timeout");
    }

    [Fact]
    public async Task ASentinelNamesItsMasterAndIsNotFollowedToIt()
    {
        await using var topology = await SentinelProcesses.StartAsync();
        var sentinel = topology.Sentinels[0];
        await using var client = new RedisNodeClient(Address(sentinel.Port, sentinel.Password));

        Assert.Equal($"127.0.0.1:{topology.Master.Port}", await client.SentinelMasterAsync(SentinelProcesses.Service, Cancellation));
        Assert.StartsWith("OK", await client.QueryAsync(["SENTINEL", "CKQUORUM", SentinelProcesses.Service], Cancellation), StringComparison.Ordinal);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, sentinel.Port)], client.ConnectedEndPoints);
    }

    [Fact]
    public async Task ASentinelCountsTheReplicaItCouldPromoteUntilTheReplicaIsGone()
    {
        await using var topology = await SentinelProcesses.StartAsync();
        var sentinel = topology.Sentinels[0];
        await using var client = new RedisNodeClient(Address(sentinel.Port, sentinel.Password));

        // StartAsync returns once every sentinel lists the replica.
        Assert.Equal(1, await client.SentinelReplicasInSyncAsync(SentinelProcesses.Service, Cancellation));

        topology.Replica.Kill();
        var seen = -1;
        await TestWait.Until(async () => (seen = await client.SentinelReplicasInSyncAsync(SentinelProcesses.Service, Cancellation)) == 0,
            TimeSpan.FromSeconds(30), "the sentinel to stop counting the killed replica", () => $"it counts {seen}");
    }

    private static async Task<RedisNodeException> FirstMovedAsync(RedisNodeClient client)
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                await client.QueryAsync(["SET", $"vibez:test:node-client:{i}", "x"], Cancellation);
            }
            catch (RedisNodeException ex) when (ex.IsErrorReply)
            {
                return ex;
            }
        }

        throw new InvalidOperationException($"{client.Address} took 100 keys without one MOVED; it cannot serve every slot of a three-master cluster.");
    }

    private static RedisNodeAddress Address(int port, string password) => new(RedisTopologyResource.HostAddress, port, User: null, password);
}
