namespace VibeZ.Redis;

/// <summary>
/// The <c>REDIS_*</c> settings a topology hands to every service: their names, their defaults and the NAT map's
/// format, written once for both sides. The AppHost, which writes them, compiles this file as a link; VibeZ.Redis,
/// which reads them, owns it. <c>docs/configuration.md</c> describes each setting.
/// </summary>
internal static class RedisContract
{
    /// <summary><c>single</c>, <c>sentinel</c> or <c>cluster</c>.</summary>
    public const string Mode = "REDIS_MODE";

    /// <summary>The single server's URL.</summary>
    public const string Url = "REDIS_URL";

    /// <summary>Comma-separated sentinel <c>host:port</c>s.</summary>
    public const string Sentinels = "REDIS_SENTINELS";

    /// <summary>The name the sentinels monitor the master under.</summary>
    public const string SentinelName = "REDIS_SENTINEL_NAME";

    /// <summary>Comma-separated cluster node <c>host:port</c>s.</summary>
    public const string ClusterNodes = "REDIS_CLUSTER_NODES";

    /// <summary>The least-privilege ACL user services connect as, on every node and sentinel.</summary>
    public const string Username = "REDIS_USERNAME";

    /// <summary>The password of <see cref="Username"/>.</summary>
    public const string Password = "REDIS_PASSWORD";

    /// <summary>The sentinels' own password, when it differs from <see cref="Password"/>.</summary>
    public const string SentinelPassword = "REDIS_SENTINEL_PASSWORD";

    /// <summary><c>announcedHost:port=reachableHost:port</c> pairs for addresses the nodes announce but the host cannot dial.</summary>
    public const string NatMap = "REDIS_NAT_MAP";

    /// <summary><c>true</c> when every node and sentinel speaks TLS only.</summary>
    public const string Tls = "REDIS_TLS";

    /// <summary>The PEM file of the CA the nodes' certificates chain to.</summary>
    public const string TlsCaFile = "REDIS_TLS_CA_FILE";

    /// <summary>The default of <see cref="SentinelName"/>, and the name the AppHost's sentinels monitor.</summary>
    public const string DefaultSentinelName = "mymaster";

    /// <summary>The port a data node listens on when an address gives none.</summary>
    public const int DefaultRedisPort = 6379;

    /// <summary>The port a sentinel listens on when an address gives none.</summary>
    public const int DefaultSentinelPort = 26379;

    /// <summary>Separates the entries of <see cref="NatMap"/>.</summary>
    public const char NatMapEntrySeparator = ',';

    /// <summary>Separates an entry's announced endpoint from the reachable one.</summary>
    public const char NatMapRouteSeparator = '=';

    /// <summary>One <see cref="NatMap"/> entry: <c>announcedHost:port=reachableHost:port</c>.</summary>
    /// <param name="announced">The <c>host:port</c> a node announces.</param>
    /// <param name="reachable">The <c>host:port</c> a service dials instead.</param>
    public static string NatMapEntry(string announced, string reachable) => $"{announced}{NatMapRouteSeparator}{reachable}";
}
