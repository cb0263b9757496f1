namespace Aspire.Hosting.ApplicationModel;

/// <summary>The <c>REDIS_*</c> variables of the user's document, as a topology hands them to services.</summary>
public static class RedisServiceSettings
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

    /// <summary><c>announcedHost:port=reachableHost:port</c> pairs for addresses the nodes announce but the host cannot dial.</summary>
    public const string NatMap = "REDIS_NAT_MAP";

    /// <summary><c>true</c> when every node and sentinel speaks TLS only.</summary>
    public const string Tls = "REDIS_TLS";

    /// <summary>The PEM file of the CA the nodes' certificates chain to.</summary>
    public const string TlsCaFile = "REDIS_TLS_CA_FILE";

    /// <summary>The settings that name nodes; the user, its password and the NAT map are added beside them.</summary>
    /// <param name="topology">The topology.</param>
    public static IEnumerable<KeyValuePair<string, string>> For(RedisTopologyResource topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        yield return new(Mode, topology.Kind.ToString().ToLowerInvariant());
        switch (topology.Kind)
        {
            case RedisTopologyKind.Single:
                yield return new(Url, $"{(topology.Tls is null ? "redis" : "rediss")}://{RedisTopologyResource.HostAddress}:{topology.Master.Port}");
                break;
            case RedisTopologyKind.Sentinel:
                yield return new(Sentinels, HostPorts(topology, RedisNodeRole.Sentinel));
                yield return new(SentinelName, topology.Settings.MasterName);
                break;
            case RedisTopologyKind.Cluster:
                // The seeds are the addresses nodes announce (dialed through the NAT map), so the client knows each node
                // under one address instead of a seed address and an announced one.
                yield return new(ClusterNodes, string.Join(',', topology.Nodes.Select(n => $"{topology.AnnouncedHost(n)}:{n.Port}")));
                break;
        }
    }

    private static string HostPorts(RedisTopologyResource topology, RedisNodeRole role) =>
        string.Join(',', topology.Nodes.Where(n => n.Role == role).Select(n => $"{RedisTopologyResource.HostAddress}:{n.Port}"));
}
