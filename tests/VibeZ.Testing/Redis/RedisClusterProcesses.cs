using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace VibeZ.Testing.Redis;

/// <summary>
/// Six password-protected cluster-enabled redis-server processes on free 127.0.0.1 ports, made into a cluster of
/// three masters with a replica each by <c>redis-cli --cluster create</c>. Stops every process by PID and deletes
/// every folder.
/// </summary>
public sealed class RedisClusterProcesses : IAsyncDisposable
{
    private const int BusPortOffset = 10000;
    private static readonly TimeSpan SetUpTimeout = TimeSpan.FromSeconds(30);

    private readonly List<RedisServerProcess> _nodes = [];

    private RedisClusterProcesses(string password, int nodeTimeoutMilliseconds)
    {
        Password = password;
        NodeTimeoutMilliseconds = nodeTimeoutMilliseconds;
    }

    public string Password { get; }

    public int NodeTimeoutMilliseconds { get; }

    public IReadOnlyList<RedisServerProcess> Nodes => _nodes;

    public static async Task<RedisClusterProcesses> StartAsync(int nodeTimeoutMilliseconds)
    {
        var cluster = new RedisClusterProcesses("cluster-" + Guid.NewGuid().ToString("N"), nodeTimeoutMilliseconds);
        try
        {
            for (var i = 0; i < 6; i++)
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

    /// <summary>Reads <c>CLUSTER NODES</c> from <paramref name="port"/>: the master owning slot 0 and the replica following it.</summary>
    public async Task<(int MasterPort, int ReplicaPort, (int From, int To)[] Slots)> MasterOfSlotZeroAsync(int port)
    {
        var lines = (await RedisCli.RunAsync(port, Password, "CLUSTER", "NODES")).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var nodes = lines.Select(line => line.Split(' ')).ToList();
        static int PortOf(string[] fields) => int.Parse(fields[1].Split('@')[0].Split(':')[1]);
        var ranges = (string[] fields) => fields.Skip(8).Where(f => !f.StartsWith('[')).Select(f => f.Split('-')).Select(p => (From: int.Parse(p[0]), To: int.Parse(p[^1]))).ToArray();
        var master = nodes.Single(fields => fields[2].Contains("master", StringComparison.Ordinal) && ranges(fields).Any(r => r.From == 0));
        var replica = nodes.Single(fields => fields[3] == master[0]);
        return (PortOf(master), PortOf(replica), ranges(master));
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
                "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", NodeTimeoutMilliseconds.ToString(),
                "--masterauth", Password, "--enable-debug-command", "yes", "--crash-log-enabled", "no", "--crash-memcheck-enabled", "no");
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
        foreach (var argument in new[] { "--cluster", "create" }.Concat(_nodes.Select(n => $"127.0.0.1:{n.Port}")).Concat(["--cluster-replicas", "1", "--cluster-yes"]))
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
        }
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
