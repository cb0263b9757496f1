namespace VibeZ.Testing.Redis;

/// <summary>
/// A fresh sentinel topology as local processes: a master, one replica (or more) and three sentinels, each on a free
/// 127.0.0.1 port, with passwords of their own. <see cref="StartAsync(int, string[])"/> returns once the sentinels could fail over.
/// </summary>
public sealed class SentinelProcesses : IAsyncDisposable
{
    public const string Service = "mymaster";
    public const int DownAfterMilliseconds = 1500;
    private static readonly TimeSpan SetUpTimeout = TimeSpan.FromSeconds(30);

    private readonly List<RedisServerProcess> _nodes = [];
    private readonly List<RedisServerProcess> _replicas = [];
    private readonly int _replicaCount;
    private readonly RedisContainers? _containers;
    private readonly string[] _dataNodeArguments;

    private SentinelProcesses(int replicaCount, RedisContainers? containers, string[] dataNodeArguments)
    {
        _replicaCount = replicaCount;
        _containers = containers;
        _dataNodeArguments = dataNodeArguments;
    }

    public string Password { get; } = "data-" + Guid.NewGuid().ToString("N");

    /// <summary>Gets where the nodes run: containers of that image, or local processes when null.</summary>
    public RedisContainers? Containers => _containers;

    public string SentinelPassword { get; } = "sentinel-" + Guid.NewGuid().ToString("N");

    public RedisServerProcess Master { get; private set; } = null!;

    /// <summary>Gets the first replica (the only one, unless more were asked for).</summary>
    public RedisServerProcess Replica => _replicas[0];

    /// <summary>Gets every replica, in the order they were started.</summary>
    public IReadOnlyList<RedisServerProcess> Replicas => _replicas;

    public List<RedisServerProcess> Sentinels { get; } = [];

    /// <summary>Gets the settings a test host needs to connect through the sentinels.</summary>
    public (string Key, string? Value)[] HostConfiguration =>
    [
        ("REDIS_MODE", "sentinel"),
        ("REDIS_SENTINELS", string.Join(",", Sentinels.Select(s => $"127.0.0.1:{s.Port}"))),
        ("REDIS_SENTINEL_NAME", Service),
        ("REDIS_PASSWORD", Password),
        ("REDIS_SENTINEL_PASSWORD", SentinelPassword),
    ];

    /// <summary>
    /// Starts the topology with one replica and waits until the replica is in sync and every sentinel knows the two
    /// others and the replica and is out of TILT: before that, a disturbed master would not be failed over.
    /// </summary>
    /// <param name="dataNodeArguments">More <c>redis-server</c> arguments for the master and the replica.</param>
    public static Task<SentinelProcesses> StartAsync(params string[] dataNodeArguments) => StartAsync(1, dataNodeArguments);

    /// <summary>Starts the topology with <paramref name="replicaCount"/> replicas, waiting as the other overload does for every one of them.</summary>
    /// <param name="replicaCount">How many replicas the master gets (at least 1).</param>
    /// <param name="dataNodeArguments">More <c>redis-server</c> arguments for the master and the replicas.</param>
    public static Task<SentinelProcesses> StartAsync(int replicaCount, params string[] dataNodeArguments) => StartAsync(replicaCount, null, dataNodeArguments);

    /// <summary>Starts the topology as the other overloads do, every node in a container of <paramref name="containers"/> when it is set.</summary>
    /// <param name="replicaCount">How many replicas the master gets (at least 1).</param>
    /// <param name="containers">Where the nodes run: containers, or local processes when null.</param>
    /// <param name="dataNodeArguments">More <c>redis-server</c> arguments for the master and the replicas.</param>
    public static async Task<SentinelProcesses> StartAsync(int replicaCount, RedisContainers? containers, params string[] dataNodeArguments)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicaCount, 1);
        var topology = new SentinelProcesses(replicaCount, containers, dataNodeArguments);
        try
        {
            await topology.StartNodesAsync();
            return topology;
        }
        catch
        {
            await topology.DisposeAsync();
            throw;
        }
    }

    /// <summary>Asks the first sentinel which master it names now.</summary>
    public async Task<string> MasterAddressAsync()
    {
        var output = await RedisCli.RunAsync(Sentinels[0].Port, SentinelPassword, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", Service);
        return string.Join(":", output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Kills every node, sentinels included (SIGKILL), as a power cut would; <see cref="StartAllAsync"/> brings them back.</summary>
    public void KillAll()
    {
        foreach (var node in _nodes)
        {
            node.Kill();
        }
    }

    /// <summary>
    /// Starts every node again on its port, data nodes first so that no sentinel finds the master missing and fails
    /// it over; returns once the topology could fail over again (as <see cref="StartAsync(int, string[])"/> does).
    /// </summary>
    public async Task StartAllAsync()
    {
        await Master.StartAsync();
        foreach (var replica in _replicas)
        {
            await replica.StartAsync();
        }

        await WaitForReplicasAsync();
        foreach (var sentinel in Sentinels)
        {
            await sentinel.StartAsync();
        }

        await WaitForSentinelsAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    private async Task StartNodesAsync()
    {
        string[] dataNode = ["--masterauth", Password, "--repl-diskless-sync-delay", "0", "--enable-debug-command", "yes", "--crash-memcheck-enabled", "no", .. _dataNodeArguments];
        Master = await StartNodeAsync(new RedisServerProcess("redis-server", Password, null, dataNode) { Containers = _containers });
        for (var i = 0; i < _replicaCount; i++)
        {
            _replicas.Add(await StartNodeAsync(new RedisServerProcess("redis-server", Password, null, [.. dataNode, "--replicaof", "127.0.0.1", Master.Port.ToString()]) { Containers = _containers }));
        }

        await WaitForReplicasAsync();

        var sentinelConfig = $"""
            sentinel resolve-hostnames yes
            sentinel monitor {Service} 127.0.0.1 {Master.Port} 2
            sentinel down-after-milliseconds {Service} {DownAfterMilliseconds}
            sentinel failover-timeout {Service} 3000
            sentinel auth-pass {Service} {Password}
            sentinel sentinel-pass {SentinelPassword}
            """;
        for (var i = 0; i < 3; i++)
        {
            Sentinels.Add(await StartNodeAsync(new RedisServerProcess("redis-sentinel", SentinelPassword, sentinelConfig) { Containers = _containers }));
        }

        await WaitForSentinelsAsync();
    }

    private async Task WaitForReplicasAsync()
    {
        foreach (var replica in _replicas)
        {
            await TestWait.Until(
                async () =>
                {
                    var output = await RedisCli.RunAsync(replica.Port, Password, "INFO", "replication");
                    return (output.Contains("master_link_status:up", StringComparison.Ordinal), output.ReplaceLineEndings(" ").Trim());
                },
                $"replica {replica.Port} to sync with master {Master.Port}", SetUpTimeout);
        }
    }

    private async Task WaitForSentinelsAsync()
    {
        foreach (var sentinel in Sentinels)
        {
            await TestWait.Until(
                async () =>
                {
                    var masterInfo = await RedisCli.RunAsync(sentinel.Port, SentinelPassword, "SENTINEL", "MASTER", Service);
                    var info = await RedisCli.RunAsync(sentinel.Port, SentinelPassword, "INFO", "sentinel");
                    var others = RedisCli.Field(masterInfo, "num-other-sentinels");
                    var replicas = RedisCli.Field(masterInfo, "num-slaves");
                    return (others == "2" && replicas == _replicaCount.ToString() && info.Contains("sentinel_tilt:0", StringComparison.Ordinal),
                        $"num-other-sentinels={others}, num-slaves={replicas}, tilt line: {info.Split('\n').FirstOrDefault(l => l.StartsWith("sentinel_tilt", StringComparison.Ordinal))?.Trim()}");
                },
                $"sentinel {sentinel.Port} to know 2 other sentinels and {_replicaCount} replica(s), out of TILT", SetUpTimeout);
        }
    }

    private async Task<RedisServerProcess> StartNodeAsync(RedisServerProcess node)
    {
        _nodes.Add(node);
        await node.InitializeAsync();
        return node;
    }
}
