using VibeZ.Bench.Measure;
using VibeZ.Bench.Systems.RawRedis;
using VibeZ.Bench.Systems.SignalR;
using VibeZ.Bench.Systems.Vibez;
using VibeZ.Bench.Systems.WebSocketFloor;
using VibeZ.Testing.Gateway;
using VibeZ.Testing.Processes;
using VibeZ.Testing.Redis;

namespace VibeZ.Bench.Systems;

/// <summary>
/// Everything the systems run on, started once for the whole run so that they can take turns: a sentinel topology
/// (master, replica, three sentinels) with two Gateways acking <c>Replicated</c>, and one plain redis-server shared by
/// two Gateways acking <c>Leader</c>, the two SignalR peer apps and raw pub/sub. All local processes, stopped by PID.
/// </summary>
internal sealed class BenchTopology : IAsyncDisposable
{
    public const string Vibez = "vibez";
    public const string VibezLeader = "vibez-leader";
    public const string SignalR = "signalr";
    public const string Redis = "redis";
    public const string VibezCluster = "vibez-cluster";
    public const string RedisCluster = "redis-cluster";
    public const string WebSocketFloor = "websocket-floor";

    /// <summary>Gets the systems of <c>fanout</c> and <c>channels</c>, in the order they take turns.</summary>
    public static readonly IReadOnlyList<string> AllSystems = [Vibez, VibezLeader, SignalR, Redis];

    /// <summary>Gets the systems of <c>cluster</c>: the six-node cluster beside the single redis-server, VibeZ and raw pub/sub on each.</summary>
    public static readonly IReadOnlyList<string> ClusterSystems = [VibezCluster, VibezLeader, RedisCluster, Redis];

    /// <summary>Gets every system a rate search can run, in turn order.</summary>
    public static readonly IReadOnlyList<string> KnownSystems = [Vibez, VibezCluster, VibezLeader, SignalR, RedisCluster, Redis];

    /// <summary>
    /// Gets the systems of <c>connections</c>, in the order they run: beside VibeZ and the SignalR peer, the floor that
    /// ASP.NET Core's WebSockets alone cost, which cannot route between processes and so runs nowhere else.
    /// </summary>
    public static readonly IReadOnlyList<string> ConnectionsSystems = [Vibez, VibezLeader, SignalR, WebSocketFloor];

    private static readonly IReadOnlyList<string> TurnOrder = [.. KnownSystems, WebSocketFloor];

    // What the Gateway lets one connection have waiting for Redis (Gateway:MaxPublishesInFlight's default); every
    // system's publishers get the same number of credits.
    private const int Credits = 1024;

    private readonly List<IAsyncDisposable> _parts = [];
    private readonly IReadOnlyList<(string Key, string? Value)> _gatewayEnvironment;
    private readonly RedisContainers? _containers;

    private BenchTopology(IReadOnlyList<(string Key, string? Value)> gatewayEnvironment, RedisContainers? containers)
    {
        _gatewayEnvironment = gatewayEnvironment;
        _containers = containers;
    }

    public List<IBenchSystem> Systems { get; } = [];

    /// <summary>
    /// Starts what <paramref name="systems"/> need. With <paramref name="serverProcesses"/> 1 the clients all go to one
    /// Gateway or SignalR app (the <c>connections</c> scenario measures one process's memory); the second Gateway of a
    /// topology still runs, idle, because the topology fixture always starts two. <paramref name="gatewayEnvironment"/>
    /// goes to every Gateway after the harness's own settings (<c>--gateway-env</c>, for experiments). With
    /// <paramref name="containers"/> every Redis node runs in a container of that image (<c>--containers</c>).
    /// </summary>
    public static async Task<BenchTopology> StartAsync(
        IReadOnlyCollection<string> systems, Action<string> progress, int serverProcesses = 2, IReadOnlyList<(string Key, string? Value)>? gatewayEnvironment = null,
        RedisContainers? containers = null)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(serverProcesses is 1 or 2, true, nameof(serverProcesses));
        var topology = new BenchTopology(gatewayEnvironment ?? [], containers);
        try
        {
            await topology.StartPartsAsync(systems, progress, serverProcesses);
            return topology;
        }
        catch
        {
            await topology.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _parts.Count - 1; i >= 0; i--)
        {
            await _parts[i].DisposeAsync();
        }
    }

    /// <summary>What a system's description adds when its Redis runs in containers: the runtime and the image.</summary>
    internal static string Where(RedisContainers? containers) =>
        containers is null ? "" : $"; Redis in {containers.Program} containers of {containers.Image}, on the host's network";

    /// <summary>How the harness runs every Gateway: shipped settings, except the limits that would measure themselves instead of the Gateway.</summary>
    internal static (string Key, string? Value)[] GatewaySettings(string durability) =>
    [
        ("ASPNETCORE_ENVIRONMENT", "Production"),
        ("Logging__LogLevel__VibeZ", "Warning"),
        ("Gateway__Durability", durability),

        // The bench publishes as fast as the Gateway acks over one socket each; the per-connection command limit
        // (docs/limits.md) is for hostile clients and would measure itself instead of the Gateway.
        ("Gateway__CommandsPerSecond", "1000000"),
        ("Gateway__CommandBurst", "1000000"),

        // Every bench client comes from 127.0.0.1, and `connections` opens 10,000 or more of them on one Gateway: the
        // per-address and total limits would refuse the run with 429/503 before the memory is measured, and Kestrel's
        // cap on connections not yet upgraded (MaxHttpConnections) would close handshakes still in flight unanswered.
        ("Gateway__MaxConnectionsPerIp", "1000000"),
        ("Gateway__MaxConnections", "1000000"),
        ("Gateway__MaxHttpConnections", "1000000"),
    ];

    private async Task StartPartsAsync(IReadOnlyCollection<string> systems, Action<string> progress, int serverProcesses)
    {
        if (systems.Contains(Vibez))
        {
            progress("sentinel topology and two Gateways (Replicated)");
            var replicated = Keep(await GatewayTopology.StartAsync("sentinel", 1, _containers, Gateways("Replicated")));
            var sentinel = replicated.Sentinel!;
            Systems.Add(new VibezSystem(Vibez, $"{Count(serverProcesses, "Gateway")}, Durability=Replicated, sentinel topology (master + replica + 3 sentinels){Where(_containers)}",
                new[] { replicated.First, replicated.Second }[..serverProcesses],
                [new("redis-master", sentinel.Master.ProcessId), new("redis-replica", sentinel.Replica.ProcessId), .. sentinel.Sentinels.Select(s => new MonitoredProcess("sentinels", s.ProcessId))],
                Credits));
        }

        if (systems.Contains(VibezCluster) || systems.Contains(RedisCluster))
        {
            progress($"six-node cluster (3 masters + 3 replicas) and two Gateways (Leader)");
            var clustered = Keep(await GatewayTopology.StartAsync("cluster", 1, _containers, Gateways("Leader")));
            var cluster = clustered.Cluster!;
            var nodes = cluster.Nodes.Select(n => new MonitoredProcess("redis-nodes", n.ProcessId)).ToList();
            if (systems.Contains(VibezCluster))
            {
                Systems.Add(new VibezSystem(VibezCluster, $"{Count(serverProcesses, "Gateway")}, Durability=Leader, six-node cluster (3 masters + 3 replicas, sharded pub/sub){Where(_containers)}",
                    new[] { clustered.First, clustered.Second }[..serverProcesses], nodes, Credits));
            }

            if (systems.Contains(RedisCluster))
            {
                Systems.Add(new RawRedisSystem(RedisCluster, $"StackExchange.Redis SPUBLISH/SSUBSCRIBE on the six-node cluster{Where(_containers)}",
                    [.. cluster.Nodes.Select(n => n.Port)], cluster.Password, sharded: true, nodes, Credits));
            }
        }

        RedisServerProcess? single = null;
        if (systems.Contains(VibezLeader))
        {
            progress("redis-server and two Gateways (Leader)");
            var leader = Keep(await GatewayTopology.StartAsync("single", 1, _containers, Gateways("Leader")));
            single = leader.Single!;
            Systems.Add(new VibezSystem(VibezLeader, $"{Count(serverProcesses, "Gateway")}, Durability=Leader, one redis-server{Where(_containers)}",
                new[] { leader.First, leader.Second }[..serverProcesses], [new("redis", single.ProcessId)], Credits));
        }

        if (single is null && (systems.Contains(SignalR) || systems.Contains(Redis)))
        {
            progress("redis-server");
            single = Keep(new RedisServerProcess { Containers = _containers });
            await single.InitializeAsync();
        }

        if (systems.Contains(SignalR))
        {
            progress(Count(serverProcesses, "SignalR peer app"));
            var settings = new (string, string?)[]
            {
                ("ASPNETCORE_ENVIRONMENT", "Production"),
                ("Redis__Configuration", $"127.0.0.1:{single!.Port},password={single.Password}"),
            };
            var assembly = ServiceProcess.BuildOutput(Path.Combine("bench", "VibeZ.Bench.SignalRPeer"));
            var apps = await Task.WhenAll(Enumerable.Range(0, serverProcesses)
                .Select(_ => ServiceProcess.StartAsync(assembly, "/health", settings, TimeSpan.FromSeconds(30))));
            _parts.AddRange(apps);
            Systems.Add(new SignalRSystem($"{Count(serverProcesses, "ASP.NET Core SignalR app")}, Redis backplane, one redis-server{Where(_containers)}", apps, [new("redis", single.ProcessId)], Credits));
        }

        if (systems.Contains(Redis))
        {
            Systems.Add(new RawRedisSystem(Redis, $"StackExchange.Redis PUBLISH/SUBSCRIBE on one redis-server{Where(_containers)}", [single!.Port], single.Password, sharded: false, [new("redis", single.ProcessId)], Credits));
        }

        if (systems.Contains(WebSocketFloor))
        {
            if (serverProcesses != 1)
            {
                throw new InvalidOperationException($"{WebSocketFloor} has no Redis between its processes, so it runs as one process only (the connections scenario).");
            }

            progress("ASP.NET Core WebSocket floor app");
            var floor = Keep(await ServiceProcess.StartAsync(
                ServiceProcess.BuildOutput(Path.Combine("bench", "VibeZ.Bench.WebSocketFloor")), "/health", [("ASPNETCORE_ENVIRONMENT", "Production")], TimeSpan.FromSeconds(30)));
            Systems.Add(new FloorSystem(floor));
        }

        // Keep the requested order, whatever order the parts were started in.
        Systems.Sort((a, b) => TurnOrder.ToList().IndexOf(a.Name).CompareTo(TurnOrder.ToList().IndexOf(b.Name)));
    }

    private (string Key, string? Value)[] Gateways(string durability) => [.. GatewaySettings(durability), .. _gatewayEnvironment];

    private static string Count(int count, string noun) => count == 1 ? $"1 {noun} (the clients' only server process)" : $"{count} {noun}s";

    private T Keep<T>(T part) where T : IAsyncDisposable
    {
        _parts.Add(part);
        return part;
    }
}
