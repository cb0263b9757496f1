namespace VibeZ.Testing.Redis;

/// <summary>
/// A fresh sentinel topology as local processes: a master, one replica and three sentinels, each on a free 127.0.0.1
/// port, with passwords of their own. <see cref="StartAsync"/> returns once the sentinels could fail over.
/// </summary>
public sealed class SentinelProcesses : IAsyncDisposable
{
    public const string Service = "mymaster";
    public const int DownAfterMilliseconds = 1500;
    private static readonly TimeSpan SetUpTimeout = TimeSpan.FromSeconds(30);

    private readonly List<RedisServerProcess> _nodes = [];
    private readonly string[] _dataNodeArguments;

    private SentinelProcesses(string[] dataNodeArguments) => _dataNodeArguments = dataNodeArguments;

    public string Password { get; } = "data-" + Guid.NewGuid().ToString("N");

    public string SentinelPassword { get; } = "sentinel-" + Guid.NewGuid().ToString("N");

    public RedisServerProcess Master { get; private set; } = null!;

    public RedisServerProcess Replica { get; private set; } = null!;

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
    /// Starts the topology and waits until the replica is in sync and every sentinel knows the two others and the
    /// replica and is out of TILT: before that, a disturbed master would not be failed over.
    /// </summary>
    /// <param name="dataNodeArguments">More <c>redis-server</c> arguments for the master and the replica.</param>
    public static async Task<SentinelProcesses> StartAsync(params string[] dataNodeArguments)
    {
        var topology = new SentinelProcesses(dataNodeArguments);
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
    /// it over; returns once the topology could fail over again (as <see cref="StartAsync"/> does).
    /// </summary>
    public async Task StartAllAsync()
    {
        await Master.StartAsync();
        await Replica.StartAsync();
        await WaitForReplicaAsync();
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
        Master = await StartNodeAsync(new RedisServerProcess("redis-server", Password, null, dataNode));
        Replica = await StartNodeAsync(new RedisServerProcess("redis-server", Password, null, [.. dataNode, "--replicaof", "127.0.0.1", Master.Port.ToString()]));
        await WaitForReplicaAsync();

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
            Sentinels.Add(await StartNodeAsync(new RedisServerProcess("redis-sentinel", SentinelPassword, sentinelConfig)));
        }

        await WaitForSentinelsAsync();
    }

    private async Task WaitForReplicaAsync() =>
        await TestWait.Until(
            async () =>
            {
                var output = await RedisCli.RunAsync(Replica.Port, Password, "INFO", "replication");
                return (output.Contains("master_link_status:up", StringComparison.Ordinal), output.ReplaceLineEndings(" ").Trim());
            },
            $"replica {Replica.Port} to sync with master {Master.Port}", SetUpTimeout);

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
                    return (others == "2" && replicas == "1" && info.Contains("sentinel_tilt:0", StringComparison.Ordinal),
                        $"num-other-sentinels={others}, num-slaves={replicas}, tilt line: {info.Split('\n').FirstOrDefault(l => l.StartsWith("sentinel_tilt", StringComparison.Ordinal))?.Trim()}");
                },
                $"sentinel {sentinel.Port} to know 2 other sentinels and 1 replica, out of TILT", SetUpTimeout);
        }
    }

    private async Task<RedisServerProcess> StartNodeAsync(RedisServerProcess node)
    {
        _nodes.Add(node);
        await node.InitializeAsync();
        return node;
    }
}
