namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The ACL users every node defines in its config file (mode 600; Redis keeps them, hashed, when it rewrites the file).
/// docs/security.md carries the same users as a production ACL file.
/// </summary>
internal static class RedisAclUsers
{
    /// <summary>
    /// Every key and channel VibeZ names starts with this: the Gateway's channels (<c>ChannelKeys</c>, <c>vibez:{channel}:…</c>),
    /// presence (<c>vibez:{channel}:presence</c>), the Gateway registry (<c>vibez:gateways:…</c>), the durable broadcasts
    /// (<c>vibez:broadcasts:…</c>) and the Redis diagnostics values (<c>vibez:diag:…</c>).
    /// </summary>
    public const string KeyPrefix = "vibez:";

    /// <summary>
    /// What services run on data nodes, and nothing else: what StackExchange.Redis sends to connect, follow a cluster and
    /// check health (HELLO, AUTH, CLIENT SETNAME/ID, ECHO, PING, INFO, ROLE, CLUSTER SLOTS/NODES/INFO, READONLY, ASKING),
    /// the Gateway's scripts and reads (EVALSHA/EVAL, SCRIPT LOAD, and inside its scripts HGET/HMGET/HSET, GET/SET,
    /// PEXPIRE, XADD, XRANGE, INFO, PUBLISH/SPUBLISH), its live feeds (SUBSCRIBE/SSUBSCRIBE and their UNSUBSCRIBE), and
    /// values with an expiry (diagnostics), which StackExchange.Redis writes with SETEX/PSETEX, and
    /// the durable broadcasts: their consumer group (XGROUP CREATE, XREADGROUP, XAUTOCLAIM, XACK, and XPENDING for delivery
    /// counts and lag), the dead-letter count (XLEN), records (HGETALL) and inside their scripts and the Worker's lease
    /// INCR, DEL and the due set (ZADD, ZRANGE, ZRANGEBYSCORE, ZREM). Presence
    /// and the registry use only these (ZADD, ZREM, ZRANGEBYSCORE, PEXPIRE, HSET, DEL, PUBLISH/SPUBLISH in scripts, and
    /// ZCOUNT for the Gateways alive; ZRANGEBYSCORE to read, SUBSCRIBE/SSUBSCRIBE for events).
    /// No DEBUG, CONFIG, FLUSH*, KEYS, SCAN or MODULE.
    /// </summary>
    public static readonly IReadOnlyList<string> ServiceCommands =
    [
        "hello", "ping", "echo", "client|setname", "client|id", "select", "info", "role",
        "cluster|slots", "cluster|nodes", "cluster|info", "readonly", "asking",
        "eval", "evalsha", "script|load",
        "get", "set", "setex", "psetex", "hget", "hmget", "hset", "pexpire", "xadd", "xrange",
        "publish", "spublish", "subscribe", "unsubscribe", "ssubscribe", "sunsubscribe",
        "xgroup|create", "xreadgroup", "xautoclaim", "xack", "xpending", "xlen", "hgetall", "incr", "del",
        "zadd", "zrange", "zrangebyscore", "zcount", "zrem",
    ];

    /// <summary>
    /// What services run on sentinels: StackExchange.Redis's handshake, the master, replica and sentinel queries, and the
    /// subscriptions to <c>+switch-master</c> (a failover) and <c>+sentinel</c> (a new sentinel). No SENTINEL FAILOVER,
    /// SET, RESET or CONFIG.
    /// (A sentinel has no ECHO; naming it would stop the sentinel from starting.)
    /// </summary>
    public static readonly IReadOnlyList<string> ServiceSentinelCommands =
    [
        "hello", "ping", "client|setname", "client|id", "info", "role",
        "sentinel|get-master-addr-by-name", "sentinel|master", "sentinel|masters", "sentinel|replicas", "sentinel|slaves", "sentinel|sentinels",
        "subscribe", "unsubscribe",
    ];

    /// <summary>What a sentinel needs on the data nodes it monitors and fails over (Redis's own documentation lists these).</summary>
    public static readonly IReadOnlyList<string> SentinelCommands =
    [
        "multi", "exec", "slaveof", "replicaof", "ping", "subscribe", "publish", "config|rewrite", "role", "info",
        "client|setname", "client|kill", "script|kill",
    ];

    /// <summary>The service user of a data node: VibeZ's keys and channels, VibeZ's commands.</summary>
    public static string ServiceOnDataNode(string password) =>
        Line(RedisTopologyCredentials.ServiceUser, password, $"resetkeys ~{KeyPrefix}* resetchannels &{KeyPrefix}*", ServiceCommands);

    /// <summary>The service user of a sentinel: no keys, only the two announcement channels StackExchange.Redis follows.</summary>
    public static string ServiceOnSentinel(string password) =>
        Line(RedisTopologyCredentials.ServiceUser, password, "resetkeys resetchannels &+switch-master &+sentinel", ServiceSentinelCommands);

    /// <summary>The sentinels' user on a data node.</summary>
    public static string SentinelOnDataNode(string password) =>
        Line(RedisTopologyCredentials.SentinelUser, password, "resetkeys resetchannels allchannels", SentinelCommands);

    /// <summary>The sentinels' user on a sentinel, for the other sentinels: a sentinel peer may do what a sentinel does.</summary>
    public static string SentinelOnSentinel(string password) =>
        $"user {RedisTopologyCredentials.SentinelUser} on >{password} allkeys allchannels +@all";

    private static string Line(string user, string password, string patterns, IEnumerable<string> commands) =>
        $"user {user} on >{password} {patterns} -@all {string.Join(' ', commands.Select(c => "+" + c))}";
}
