using System.Text;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Writes the configuration file each node starts from. A file rather than arguments keeps the password out of the
/// dashboard's view of command lines, and sentinels (and failovers, through CONFIG REWRITE) must be able to rewrite it.
/// </summary>
internal static class RedisNodeConfigFile
{
    public const string ContainerDataDirectory = "/data";

    public static string FileName(RedisNode node) => node.Role is RedisNodeRole.Sentinel ? "sentinel.conf" : "redis.conf";

    public static string Render(RedisTopologyResource topology, RedisNode node, RedisTopologySecrets secrets)
    {
        var password = secrets.Password;
        var inContainer = topology.Runtime is RedisRuntime.Container;
        var settings = topology.Settings;
        var text = new StringBuilder()
            .AppendLine($"# Written by the VibeZ AppHost for {node.Name}; rewritten by Redis itself on failover.");
        AppendListener(text, topology, node);
        text
            // In a container the node must answer on the container network; as a process only on loopback.
            .AppendLine(inContainer ? "bind 0.0.0.0" : $"bind {RedisTopologyResource.HostAddress}")
            .AppendLine($"dir {(inContainer ? ContainerDataDirectory : topology.NodeDirectory(node))}")
            // The default user is the operator's (and the AppHost's); services and sentinels have users of their own.
            .AppendLine($"requirepass {password}");

        if (node.Role is RedisNodeRole.Sentinel)
        {
            text.AppendLine(RedisAclUsers.ServiceOnSentinel(secrets.ServicePassword))
                .AppendLine(RedisAclUsers.SentinelOnSentinel(secrets.SentinelPassword));
            AppendSentinel(text, topology, node, secrets.SentinelPassword, settings);
            return text.ToString();
        }

        text.AppendLine(RedisAclUsers.ServiceOnDataNode(secrets.ServicePassword));
        if (topology.Kind is RedisTopologyKind.Sentinel)
        {
            text.AppendLine(RedisAclUsers.SentinelOnDataNode(secrets.SentinelPassword));
        }

        // Replication stays on the default user: a replica must be able to become a master with everything a master has.
        text.AppendLine($"masterauth {password}")
            .AppendLine("appendonly yes")
            // A node at its limit refuses writes (OOM) rather than grow until the kernel kills it, which would fail
            // over and put the same load on the promoted replica.
            .AppendLine($"maxmemory {settings.MaxMemoryMegabytes}mb")
            .AppendLine($"maxmemory-policy {RedisTopologyDefaults.MaxMemoryPolicy}")
            .AppendLine($"client-output-buffer-limit normal {settings.ClientOutputBufferHardLimitMegabytes}mb {settings.ClientOutputBufferSoftLimitMegabytes}mb {settings.ClientOutputBufferSoftLimitSeconds}");
        if (topology.DebugCommandsEnabled)
        {
            // The failover tests of docs/redis/failover-walkthrough.md and the dashboard's fault commands use DEBUG SEGFAULT and DEBUG SLEEP, which
            // Redis 7 refuses by default; a node outside Development keeps refusing them.
            text.AppendLine("enable-debug-command yes");
        }

        if (topology.MastersNeedAReplica)
        {
            // Every data node may be a master after a failover. A write a master alone holds is lost when it fails over,
            // so a master without a replica in sync refuses writes (NOREPLICAS) rather than acknowledge them.
            text.AppendLine("min-replicas-to-write 1")
                .AppendLine($"min-replicas-max-lag {settings.MinReplicasMaxLagSeconds}");
        }

        if (node.Role is RedisNodeRole.ClusterNode)
        {
            text.AppendLine("cluster-enabled yes")
                .AppendLine("cluster-config-file nodes.conf")
                .AppendLine($"cluster-node-timeout {settings.ClusterNodeTimeoutMilliseconds}")
                // Peers and clients learn a node's address from what it announces: its fixed address on the topology's
                // container network (which REDIS_NAT_MAP translates for the host), or 127.0.0.1 as a local process.
                .AppendLine($"cluster-announce-ip {topology.AnnouncedHost(node)}")
                // With tls-cluster the announced port is the TLS one; cluster-announce-port would name a plain-text port.
                .AppendLine($"{(topology.Tls is null ? "cluster-announce-port" : "cluster-announce-tls-port")} {node.Port}")
                .AppendLine($"cluster-announce-bus-port {node.BusPort}");
            return text.ToString();
        }

        // Replicas tell their master (and through it the sentinels) a name that works on the container network and
        // that REDIS_NAT_MAP translates for the host; every data node may become a replica after a failover.
        text.AppendLine($"replica-announce-ip {topology.AnnouncedHost(node)}")
            .AppendLine($"replica-announce-port {node.Port}");
        if (node.Role is RedisNodeRole.Replica)
        {
            text.AppendLine($"replicaof {topology.AnnouncedHost(topology.Master)} {topology.Master.Port}");
        }

        return text.ToString();
    }

    /// <summary>
    /// The node's port, plain text or TLS only. With TLS the plain-text port is closed (<c>port 0</c>), and every link a
    /// node or sentinel opens (replication, sentinel to node and to sentinel, cluster bus) speaks TLS too.
    /// </summary>
    private static void AppendListener(StringBuilder text, RedisTopologyResource topology, RedisNode node)
    {
        if (topology.Tls is not { } tls)
        {
            text.AppendLine($"port {node.Port}");
            return;
        }

        var (caCertificateFile, certificateFile, keyFile) = tls.FilesFor(topology.Runtime);
        text.AppendLine("port 0")
            .AppendLine($"tls-port {node.Port}")
            .AppendLine($"tls-cert-file {certificateFile}")
            .AppendLine($"tls-key-file {keyFile}")
            .AppendLine($"tls-ca-cert-file {caCertificateFile}")
            // Passwords authenticate clients; a client certificate is checked when one is offered (nodes offer theirs).
            .AppendLine("tls-auth-clients optional")
            .AppendLine("tls-replication yes");
        if (node.Role is RedisNodeRole.ClusterNode)
        {
            text.AppendLine("tls-cluster yes");
        }
    }

    private static void AppendSentinel(StringBuilder text, RedisTopologyResource topology, RedisNode node, string sentinelPassword, RedisTopologySettings settings)
    {
        var master = topology.Master;
        var name = settings.MasterName;

        // Names, not IPs: container IPs change when a node restarts, names do not. Redis 7.0 refuses a host name in
        // "sentinel monitor" unless resolve-hostnames is on, and only announces names with announce-hostnames.
        text.AppendLine("sentinel resolve-hostnames yes")
            .AppendLine("sentinel announce-hostnames yes")
            .AppendLine($"sentinel announce-ip {topology.AnnouncedHost(node)}")
            .AppendLine($"sentinel announce-port {node.Port}")
            // Sentinels talk to each other and to the data nodes as their own user, never as the operator's default user.
            .AppendLine($"sentinel sentinel-user {RedisTopologyCredentials.SentinelUser}")
            .AppendLine($"sentinel sentinel-pass {sentinelPassword}")
            .AppendLine($"sentinel monitor {name} {topology.AnnouncedHost(master)} {master.Port} {settings.Quorum}")
            .AppendLine($"sentinel auth-user {name} {RedisTopologyCredentials.SentinelUser}")
            .AppendLine($"sentinel auth-pass {name} {sentinelPassword}")
            .AppendLine($"sentinel down-after-milliseconds {name} {settings.DownAfterMilliseconds}")
            .AppendLine($"sentinel parallel-syncs {name} {settings.ParallelSyncs}")
            .AppendLine($"sentinel failover-timeout {name} {settings.FailoverTimeoutMilliseconds}");
    }
}
