using VibeZ.Testing.Redis;

namespace VibeZ.Testing.Gateway;

/// <summary>
/// A fresh Redis topology of one mode as local processes, and two Gateway processes on it: the smallest set-up in
/// which a message has to cross processes through Redis.
/// </summary>
public sealed class GatewayTopology : IAsyncDisposable
{
    public const int ClusterNodeTimeoutMilliseconds = 2000;

    /// <summary>
    /// What the AppHost gives every data node that has a replica: a master without a replica in sync takes no writes,
    /// so a write that cannot be replicated fails at once (NOREPLICAS) instead of after the replication timeout.
    /// </summary>
    public static readonly string[] ReplicatedDataNodeArguments = ["--min-replicas-to-write", "1", "--min-replicas-max-lag", "2"];

    private GatewayTopology(string mode, int replicasPerMaster, RedisContainers? containers)
    {
        Mode = mode;
        ReplicasPerMaster = replicasPerMaster;
        Containers = containers;
    }

    public string Mode { get; }

    /// <summary>Gets how many replicas each master has in sentinel and cluster mode.</summary>
    public int ReplicasPerMaster { get; }

    /// <summary>Gets where the Redis nodes run: containers of that image, or local processes when null.</summary>
    public RedisContainers? Containers { get; }

    public RedisServerProcess? Single { get; private set; }

    public SentinelProcesses? Sentinel { get; private set; }

    public RedisClusterProcesses? Cluster { get; private set; }

    public GatewayProcess First { get; private set; } = null!;

    public GatewayProcess Second { get; private set; } = null!;

    /// <summary>Gets the <c>REDIS_*</c> settings every Gateway of this topology gets.</summary>
    public (string Key, string? Value)[] RedisSettings { get; private set; } = [];

    /// <summary>Starts Redis in <paramref name="mode"/> (<c>single</c>, <c>sentinel</c> or <c>cluster</c>, one replica per master) and two Gateways with <paramref name="gatewaySettings"/>.</summary>
    public static Task<GatewayTopology> StartAsync(string mode, params (string Key, string? Value)[] gatewaySettings) =>
        StartAsync(mode, 1, gatewaySettings);

    /// <summary>Starts Redis in <paramref name="mode"/> with <paramref name="replicasPerMaster"/> replicas per master (sentinel and cluster only), and two Gateways with <paramref name="gatewaySettings"/>.</summary>
    public static Task<GatewayTopology> StartAsync(string mode, int replicasPerMaster, params (string Key, string? Value)[] gatewaySettings) =>
        StartAsync(mode, replicasPerMaster, null, gatewaySettings);

    /// <summary>Starts the topology as the other overloads do, its Redis nodes in containers of <paramref name="containers"/> when it is set.</summary>
    public static async Task<GatewayTopology> StartAsync(string mode, int replicasPerMaster, RedisContainers? containers, params (string Key, string? Value)[] gatewaySettings)
    {
        if (mode == "single" && replicasPerMaster != 1)
        {
            throw new ArgumentOutOfRangeException(nameof(replicasPerMaster), replicasPerMaster, "A single node has no replicas to add: use 1 in single mode.");
        }

        var topology = new GatewayTopology(mode, replicasPerMaster, containers);
        try
        {
            await topology.StartRedisAsync();
            var settings = topology.RedisSettings.Concat(gatewaySettings).ToArray();
            var gateways = await Task.WhenAll(GatewayProcess.StartAsync(settings), GatewayProcess.StartAsync(settings));
            (topology.First, topology.Second) = (gateways[0], gateways[1]);
            return topology;
        }
        catch
        {
            await topology.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more Gateway on the same Redis.</summary>
    public Task<GatewayProcess> StartGatewayAsync(params (string Key, string? Value)[] gatewaySettings) =>
        GatewayProcess.StartAsync(RedisSettings.Concat(gatewaySettings));

    public async ValueTask DisposeAsync()
    {
        foreach (var gateway in new[] { First, Second }.Where(g => g is not null))
        {
            await gateway.DisposeAsync();
        }

        if (Single is not null)
        {
            await Single.DisposeAsync();
        }

        if (Sentinel is not null)
        {
            await Sentinel.DisposeAsync();
        }

        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }

    /// <summary>Both Gateways' logs, for failure messages.</summary>
    public string Logs => $"--- first gateway ---\n{First?.Output}\n--- second gateway ---\n{Second?.Output}";

    private async Task StartRedisAsync()
    {
        switch (Mode)
        {
            case "single":
                Single = new RedisServerProcess { Containers = Containers };
                await Single.InitializeAsync();
                RedisSettings = [("REDIS_MODE", "single"), ("REDIS_URL", $"redis://127.0.0.1:{Single.Port}"), ("REDIS_PASSWORD", Single.Password)];
                break;
            case "sentinel":
                Sentinel = await SentinelProcesses.StartAsync(ReplicasPerMaster, Containers, ReplicatedDataNodeArguments);
                RedisSettings = Sentinel.HostConfiguration;
                break;
            case "cluster":
                Cluster = await RedisClusterProcesses.StartAsync(ClusterNodeTimeoutMilliseconds, ReplicasPerMaster, Containers, ReplicatedDataNodeArguments);
                RedisSettings = Cluster.HostConfiguration;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(Mode), Mode, "single, sentinel or cluster");
        }
    }
}
