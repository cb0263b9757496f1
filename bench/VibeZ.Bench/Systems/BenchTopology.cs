using VibeZ.Bench.Measure;
using VibeZ.Bench.Systems.RawRedis;
using VibeZ.Bench.Systems.SignalR;
using VibeZ.Bench.Systems.Vibez;
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

    /// <summary>Gets every system, in the order they take turns.</summary>
    public static readonly IReadOnlyList<string> AllSystems = [Vibez, VibezLeader, SignalR, Redis];

    // What the Gateway lets one connection have waiting for Redis (Gateway:MaxPublishesInFlight's default); every
    // system's publishers get the same number of credits.
    private const int Credits = 1024;

    private readonly List<IAsyncDisposable> _parts = [];

    private BenchTopology()
    {
    }

    public List<IBenchSystem> Systems { get; } = [];

    public static async Task<BenchTopology> StartAsync(IReadOnlyCollection<string> systems, Action<string> progress)
    {
        var topology = new BenchTopology();
        try
        {
            await topology.StartPartsAsync(systems, progress);
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

    private static (string Key, string? Value)[] GatewaySettings(string durability) =>
    [
        ("ASPNETCORE_ENVIRONMENT", "Production"),
        ("Logging__LogLevel__VibeZ", "Warning"),
        ("Gateway__Durability", durability),

        // The bench publishes as fast as the Gateway acks over one socket each; the per-connection command limit
        // (docs/limits.md) is for hostile clients and would measure itself instead of the Gateway.
        ("Gateway__CommandsPerSecond", "1000000"),
        ("Gateway__CommandBurst", "1000000"),
    ];

    private async Task StartPartsAsync(IReadOnlyCollection<string> systems, Action<string> progress)
    {
        if (systems.Contains(Vibez))
        {
            progress("sentinel topology and two Gateways (Replicated)");
            var replicated = Keep(await GatewayTopology.StartAsync("sentinel", GatewaySettings("Replicated")));
            var sentinel = replicated.Sentinel!;
            Systems.Add(new VibezSystem(Vibez, "2 Gateways, Durability=Replicated, sentinel topology (master + replica + 3 sentinels)",
                [replicated.First, replicated.Second],
                [new("redis-master", sentinel.Master.ProcessId), new("redis-replica", sentinel.Replica.ProcessId), .. sentinel.Sentinels.Select(s => new MonitoredProcess("sentinels", s.ProcessId))],
                Credits));
        }

        RedisServerProcess? single = null;
        if (systems.Contains(VibezLeader))
        {
            progress("redis-server and two Gateways (Leader)");
            var leader = Keep(await GatewayTopology.StartAsync("single", GatewaySettings("Leader")));
            single = leader.Single!;
            Systems.Add(new VibezSystem(VibezLeader, "2 Gateways, Durability=Leader, one redis-server",
                [leader.First, leader.Second], [new("redis", single.ProcessId)], Credits));
        }

        if (single is null && (systems.Contains(SignalR) || systems.Contains(Redis)))
        {
            progress("redis-server");
            single = Keep(new RedisServerProcess());
            await single.InitializeAsync();
        }

        if (systems.Contains(SignalR))
        {
            progress("two SignalR peer apps");
            var settings = new (string, string?)[]
            {
                ("ASPNETCORE_ENVIRONMENT", "Production"),
                ("Redis__Configuration", $"127.0.0.1:{single!.Port},password={single.Password}"),
            };
            var assembly = ServiceProcess.BuildOutput(Path.Combine("bench", "VibeZ.Bench.SignalRPeer"));
            var apps = await Task.WhenAll(
                ServiceProcess.StartAsync(assembly, "/health", settings, TimeSpan.FromSeconds(30)),
                ServiceProcess.StartAsync(assembly, "/health", settings, TimeSpan.FromSeconds(30)));
            _parts.AddRange(apps);
            Systems.Add(new SignalRSystem("2 ASP.NET Core SignalR apps, Redis backplane, one redis-server", apps, [new("redis", single.ProcessId)], Credits));
        }

        if (systems.Contains(Redis))
        {
            Systems.Add(new RawRedisSystem("StackExchange.Redis PUBLISH/SUBSCRIBE on one redis-server", single!.Port, single.Password, [new("redis", single.ProcessId)], Credits));
        }

        // Keep the requested order, whatever order the parts were started in.
        Systems.Sort((a, b) => AllSystems.ToList().IndexOf(a.Name).CompareTo(AllSystems.ToList().IndexOf(b.Name)));
    }

    private T Keep<T>(T part) where T : IAsyncDisposable
    {
        _parts.Add(part);
        return part;
    }
}
