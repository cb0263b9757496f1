using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace VibeZ.Testing.Redis;

/// <summary>
/// Password-protected cluster-enabled redis-server processes on free 127.0.0.1 ports, made into a cluster of three
/// masters with one replica each (or more) by <c>redis-cli --cluster create</c>. Stops every process by PID and
/// deletes every folder.
/// </summary>
public sealed partial class RedisClusterProcesses : IAsyncDisposable
{
    private const int BusPortOffset = 10000;
    private const int MasterCount = 3;
    private static readonly TimeSpan SetUpTimeout = TimeSpan.FromSeconds(30);

    private readonly List<RedisServerProcess> _nodes = [];
    private string[] _nodeArguments = [];
    private RedisContainers? _containers;

    private RedisClusterProcesses(string password, int nodeTimeoutMilliseconds, int replicasPerMaster)
    {
        Password = password;
        NodeTimeoutMilliseconds = nodeTimeoutMilliseconds;
        ReplicasPerMaster = replicasPerMaster;
    }

    public string Password { get; }

    public int NodeTimeoutMilliseconds { get; }

    /// <summary>Gets how many replicas each master got (<c>--cluster-replicas</c>).</summary>
    public int ReplicasPerMaster { get; }

    public IReadOnlyList<RedisServerProcess> Nodes => _nodes;

    /// <summary>Starts six nodes and creates a cluster of three masters with a replica each.</summary>
    /// <param name="nodeTimeoutMilliseconds">The nodes' <c>cluster-node-timeout</c>.</param>
    /// <param name="nodeArguments">More <c>redis-server</c> arguments for every node.</param>
    public static Task<RedisClusterProcesses> StartAsync(int nodeTimeoutMilliseconds, params string[] nodeArguments) =>
        StartAsync(nodeTimeoutMilliseconds, 1, nodeArguments);

    /// <summary>Starts three masters and <paramref name="replicasPerMaster"/> replicas of each, and creates the cluster.</summary>
    /// <param name="nodeTimeoutMilliseconds">The nodes' <c>cluster-node-timeout</c>.</param>
    /// <param name="replicasPerMaster">How many replicas each master gets (<c>--cluster-replicas</c>, at least 1).</param>
    /// <param name="nodeArguments">More <c>redis-server</c> arguments for every node.</param>
    public static Task<RedisClusterProcesses> StartAsync(int nodeTimeoutMilliseconds, int replicasPerMaster, params string[] nodeArguments) =>
        StartAsync(nodeTimeoutMilliseconds, replicasPerMaster, null, nodeArguments);

    /// <summary>Starts the cluster as the other overloads do, every node in a container of <paramref name="containers"/> when it is set.</summary>
    /// <param name="nodeTimeoutMilliseconds">The nodes' <c>cluster-node-timeout</c>.</param>
    /// <param name="replicasPerMaster">How many replicas each master gets (<c>--cluster-replicas</c>, at least 1).</param>
    /// <param name="containers">Where the nodes run: containers, or local processes when null.</param>
    /// <param name="nodeArguments">More <c>redis-server</c> arguments for every node.</param>
    public static async Task<RedisClusterProcesses> StartAsync(int nodeTimeoutMilliseconds, int replicasPerMaster, RedisContainers? containers, params string[] nodeArguments)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicasPerMaster, 1);
        var cluster = new RedisClusterProcesses("cluster-" + Guid.NewGuid().ToString("N"), nodeTimeoutMilliseconds, replicasPerMaster) { _nodeArguments = nodeArguments, _containers = containers };
        try
        {
            for (var i = 0; i < MasterCount * (1 + replicasPerMaster); i++)
            {
                var node = await cluster.NewNodeAsync();
                cluster._nodes.Add(node);
                await node.StartAsync();
            }

            await cluster.CreateAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Gets the settings a test host needs to connect to the cluster.</summary>
    public (string Key, string? Value)[] HostConfiguration =>
    [
        ("REDIS_MODE", "cluster"),
        ("REDIS_CLUSTER_NODES", string.Join(",", _nodes.Select(n => $"127.0.0.1:{n.Port}"))),
        ("REDIS_PASSWORD", Password),
    ];

    /// <summary>
    /// Gets the settings docs/redis/resilience-cluster.md gives a service: only the masters as seeds, each as <c>host:port</c> with
    /// <paramref name="host"/> (<c>localhost</c> or <c>127.0.0.1</c>), while the nodes announce themselves as 127.0.0.1.
    /// </summary>
    public async Task<(string Key, string? Value)[]> MasterSeedConfigurationAsync(string host)
    {
        var output = await RedisCli.RunAsync(_nodes[0].Port, Password, "CLUSTER", "NODES");
        var masters = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length > 8 && fields[2].Contains("master", StringComparison.Ordinal))
            .Select(fields => int.Parse(fields[1].Split('@')[0].Split(':')[1]))
            .Order()
            .ToList();
        return
        [
            ("REDIS_MODE", "cluster"),
            ("REDIS_CLUSTER_NODES", string.Join(",", masters.Select(port => $"{host}:{port}"))),
            ("REDIS_PASSWORD", Password),
        ];
    }

    /// <summary>Kills every node (SIGKILL), as a power cut would; <see cref="StartAllAsync"/> brings them back.</summary>
    public void KillAll()
    {
        foreach (var node in _nodes)
        {
            node.Kill();
        }
    }

    /// <summary>
    /// Starts every node again on its port and in its folder: each reads its <c>nodes.conf</c> and rejoins as what it
    /// was (data is not kept). Returns once every node reports <c>cluster_state:ok</c> and every replica is linked.
    /// </summary>
    public async Task StartAllAsync()
    {
        foreach (var node in _nodes)
        {
            await node.StartAsync();
        }

        await WaitUntilOkAsync();
    }

    /// <summary>Waits until every node reports <c>cluster_state:ok</c> and is a master or a replica whose link is up.</summary>
    public async Task WaitUntilOkAsync()
    {
        foreach (var node in _nodes)
        {
            await TestWait.Until(
                async () =>
                {
                    var info = await RedisCli.RunAsync(node.Port, Password, "CLUSTER", "INFO");
                    return (info.Contains("cluster_state:ok", StringComparison.Ordinal), info.ReplaceLineEndings(" ").Trim());
                },
                $"cluster_state:ok on node {node.Port}", SetUpTimeout);
            await TestWait.Until(
                async () =>
                {
                    var info = await RedisCli.RunAsync(node.Port, Password, "INFO", "replication");
                    return (info.Contains("role:master", StringComparison.Ordinal) || info.Contains("master_link_status:up", StringComparison.Ordinal), info.ReplaceLineEndings(" ").Trim());
                },
                $"node {node.Port} to be a master or a replica whose link to its master is up", SetUpTimeout);

            // Roles spread by gossip: a node that answers cluster_state:ok may still list a replica as a slot-less master.
            await TestWait.Until(
                async () =>
                {
                    var nodes = await RedisCli.RunAsync(node.Port, Password, "CLUSTER", "NODES");
                    return (SeesEveryMasterWithItsReplicas(nodes), nodes.ReplaceLineEndings(" | ").Trim());
                },
                $"node {node.Port} to list every master with its slots and {ReplicasPerMaster} replica(s), none failing", SetUpTimeout);
        }
    }

    private bool SeesEveryMasterWithItsReplicas(string clusterNodes)
    {
        var nodes = clusterNodes.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(line => line.Split(' ')).ToList();
        var flags = (string[] fields) => fields[2].Split(',');
        var masters = nodes.Where(fields => flags(fields).Contains("master") && fields.Length > 8).ToList();
        var replicas = nodes.Where(fields => flags(fields).Contains("slave")).ToList();
        return nodes.Count == _nodes.Count
            && nodes.All(fields => fields.Length > 7 && !flags(fields).Any(flag => flag is "fail" or "fail?" or "handshake" or "noaddr") && fields[7] == "connected")
            && masters.Count == MasterCount
            && masters.All(master => replicas.Count(replica => replica[3] == master[0]) == ReplicasPerMaster);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    private async Task<RedisServerProcess> NewNodeAsync()
    {
        // The cluster bus listens on port + 10000, so both must be free.
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var node = new RedisServerProcess(
                "redis-server", Password, null,
                [
                    "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", NodeTimeoutMilliseconds.ToString(),
                    "--masterauth", Password, "--repl-diskless-sync-delay", "0", "--enable-debug-command", "yes", "--crash-log-enabled", "no", "--crash-memcheck-enabled", "no",
                    .. _nodeArguments,
                ]) { Containers = _containers };
            if (node.Port + BusPortOffset <= IPEndPoint.MaxPort && IsFree(node.Port + BusPortOffset) && _nodes.All(n => Math.Abs(n.Port - node.Port) != BusPortOffset))
            {
                return node;
            }

            await node.DisposeAsync();
        }

        throw new InvalidOperationException("Found no free port whose cluster bus port (port + 10000) was free too, in 50 tries.");
    }

    private async Task CreateAsync()
    {
        var startInfo = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        startInfo.Environment["REDISCLI_AUTH"] = Password;
        foreach (var argument in new[] { "--cluster", "create" }.Concat(_nodes.Select(n => $"127.0.0.1:{n.Port}")).Concat(["--cluster-replicas", ReplicasPerMaster.ToString(), "--cluster-yes"]))
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("redis-cli did not start.");
        using var timeout = new CancellationTokenSource(SetUpTimeout);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"redis-cli --cluster create did not finish within {SetUpTimeout}.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli --cluster create exited with {process.ExitCode}:\n{await output}\n{await error}");
        }

        await WaitUntilOkAsync();
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
