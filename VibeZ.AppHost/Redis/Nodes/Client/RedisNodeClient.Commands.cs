using System.Net;
using StackExchange.Redis;

namespace VibeZ.Redis;

/// <summary>The questions node checks ask, answered by StackExchange.Redis's own calls and parsers where it has them.</summary>
internal sealed partial class RedisNodeClient
{
    /// <summary>Runs <c>INFO <paramref name="section"/></c> and returns its fields.</summary>
    /// <exception cref="RedisNodeException">The node refused the command or the login, or did not answer in time.</exception>
    public async Task<IReadOnlyDictionary<string, string>> InfoAsync(string section, CancellationToken cancellationToken)
    {
        var server = await ServerAsync("INFO", cancellationToken);
        var groups = await AnswerAsync("INFO", () => server.InfoAsync(section, Flags), cancellationToken);
        return Fields(groups.SelectMany(group => group));
    }

    /// <summary>Runs <c>CLUSTER INFO</c> and returns its fields; StackExchange.Redis has no call of its own for it.</summary>
    /// <exception cref="RedisNodeException">The node refused the command or the login, or did not answer in time.</exception>
    public async Task<IReadOnlyDictionary<string, string>> ClusterInfoAsync(CancellationToken cancellationToken)
    {
        // The same field:value lines INFO answers with, in one bulk string.
        var text = await QueryAsync(["CLUSTER", "INFO"], cancellationToken);
        return Fields(text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !line.StartsWith('#') && line.Contains(':'))
            .Select(line => line.Split(':', 2))
            .Select(parts => KeyValuePair.Create(parts[0], parts[1])));
    }

    /// <summary>Runs <c>CLUSTER NODES</c>: the cluster as this node sees it.</summary>
    /// <exception cref="RedisNodeException">The node refused the command or the login, or did not answer in time.</exception>
    public async Task<ClusterConfiguration> ClusterNodesAsync(CancellationToken cancellationToken)
    {
        var server = await ServerAsync("CLUSTER", cancellationToken);
        return await AnswerAsync("CLUSTER", () => server.ClusterNodesAsync(Flags), cancellationToken)
            ?? throw new RedisNodeException($"{Address} answered CLUSTER NODES with nothing") { IsErrorReply = true };
    }

    /// <summary>Asks a sentinel for the master it monitors under <paramref name="name"/>.</summary>
    /// <returns>The master's <c>host:port</c>, or an empty text when the sentinel does not know the name.</returns>
    /// <exception cref="RedisNodeException">The sentinel refused the command or the login, or did not answer in time.</exception>
    public async Task<string> SentinelMasterAsync(string name, CancellationToken cancellationToken)
    {
        var server = await ServerAsync("SENTINEL", cancellationToken);
        var master = await AnswerAsync("SENTINEL", () => server.SentinelGetMasterAddressByNameAsync(name, Flags), cancellationToken);
        return master switch
        {
            IPEndPoint ip => $"{ip.Address}:{ip.Port}",
            DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
            _ => "",
        };
    }

    /// <summary>
    /// Counts the replicas a sentinel could promote: those it lists under <paramref name="name"/>
    /// (<c>SENTINEL REPLICAS</c>) as replicas with their link up, and does not see down. A sentinel learns of a new
    /// replica from the master's <c>INFO</c>, which it reads every 10 s, so it may lag the master's own view.
    /// </summary>
    /// <param name="name">The master's name at the sentinels.</param>
    /// <param name="cancellationToken">Cancels the wait for the answer.</param>
    /// <exception cref="RedisNodeException">The sentinel refused the command or the login, or did not answer in time.</exception>
    public async Task<int> SentinelReplicasInSyncAsync(string name, CancellationToken cancellationToken)
    {
        var server = await ServerAsync("SENTINEL", cancellationToken);
        var replicas = await AnswerAsync("SENTINEL", () => server.SentinelReplicasAsync(name, Flags), cancellationToken);
        return replicas.Select(Fields).Count(replica =>
            replica.GetValueOrDefault("role-reported") == "slave"
            && replica.GetValueOrDefault("master-link-status") == "ok"
            && replica.GetValueOrDefault("flags") is { } flags && !flags.Contains("s_down", StringComparison.Ordinal) && !flags.Contains("disconnected", StringComparison.Ordinal));
    }

    /// <summary>Has a sentinel fail <paramref name="name"/> over now (<c>SENTINEL FAILOVER</c>).</summary>
    /// <exception cref="RedisNodeException">The sentinel refused (NOGOODSLAVE, INPROG) or did not answer in time.</exception>
    public async Task SentinelFailoverAsync(string name, CancellationToken cancellationToken)
    {
        var server = await ServerAsync("SENTINEL", cancellationToken);
        await AnswerAsync("SENTINEL", async () =>
        {
            await server.SentinelFailoverAsync(name, Flags);
            return true;
        }, cancellationToken);
    }

    private static Dictionary<string, string> Fields(IEnumerable<KeyValuePair<string, string>> fields)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in fields)
        {
            result.TryAdd(key, value);
        }

        return result;
    }
}
