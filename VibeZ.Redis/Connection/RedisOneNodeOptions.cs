using System.Net;
using StackExchange.Redis;
using VibeZ.Redis.Configuration;

namespace VibeZ.Redis.Connection;

/// <summary>
/// Options for a connection of its own to one node, beside the process's shared one: for a command that blocks the
/// connection it is sent on (<c>WAIT</c>), which must not hold up every other command to that node.
/// </summary>
public static class RedisOneNodeOptions
{
    // What no service connection sends (the ACL user may not), and what StackExchange.Redis would use to find other
    // nodes or to subscribe: the connection stays on its one node, with no subscription connection beside it.
    private static readonly CommandMap OneNodeOnly = CommandMap.Create(
        new HashSet<string>([.. RedisDefaults.CommandsNeverSent, "CLUSTER", "SENTINEL", "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE"], StringComparer.OrdinalIgnoreCase),
        available: false);

    /// <summary>
    /// Copies the shared connection's options (the same user, TLS and NAT map) for <paramref name="node"/> alone: no
    /// sentinel or cluster discovery, no reconnect schedule or log of its own, since the shared connection reports what
    /// happens to the node; a failed connect throws instead of retrying in the background.
    /// </summary>
    /// <param name="shared">The options the process's shared connection was made with.</param>
    /// <param name="node">The node, as the shared connection knows it.</param>
    /// <param name="purpose">Appended to the client name, so <c>CLIENT LIST</c> tells the connections apart.</param>
    public static ConfigurationOptions For(ConfigurationOptions shared, EndPoint node, string purpose)
    {
        var options = shared.Clone();
        options.EndPoints.Clear();
        options.EndPoints.Add(node);
        options.ServiceName = null;
        options.CommandMap = OneNodeOnly;
        options.AbortOnConnectFail = true;
        options.ReconnectRetryPolicy = new LinearRetry(options.ConnectTimeout);
        options.LoggerFactory = null;
        options.ClientName = $"{options.ClientName ?? "vibez"}-{purpose}";
        return options;
    }
}
