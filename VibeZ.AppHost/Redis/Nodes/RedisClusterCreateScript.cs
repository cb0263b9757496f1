using System.Text;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The shell script the cluster-create step runs, in a container on the topology's network or as a local process.
/// It runs <c>redis-cli --cluster create</c> where the nodes can see each other, with the addresses the nodes announce
/// (CLUSTER MEET accepts only IPs): their fixed addresses on the container network, which the host cannot dial.
/// The password reaches redis-cli through REDISCLI_AUTH, never the command line.
/// </summary>
internal static class RedisClusterCreateScript
{
    /// <summary>How long the script waits for each node to answer before it gives up.</summary>
    public const int NodeWaitSeconds = 60;

    public static string Render(RedisTopologyResource topology)
    {
        var nodes = topology.Nodes.Select(n => $"{topology.AnnouncedHost(n)}:{n.Port}").ToList();

        // The nodes listen only for TLS then; redis-cli checks their certificate against the topology's CA.
        var cli = topology.Tls is { } tls ? $"redis-cli --tls --cacert '{tls.FilesFor(topology.Runtime).CaCertificate}'" : "redis-cli";
        var tries = NodeWaitSeconds * 5;
        var script = new StringBuilder()
            .AppendLine("set -eu")
            .AppendLine("wait_for() {")
            .AppendLine("  tries=0")
            .AppendLine($"  until [ \"$({cli} -h \"$1\" -p \"$2\" ping 2>/dev/null)\" = PONG ]; do")
            .AppendLine("    tries=$((tries + 1))")
            .AppendLine($"    if [ \"$tries\" -ge {tries} ]; then echo \"cluster create: $1:$2 did not answer PING within {NodeWaitSeconds} s\" >&2; exit 1; fi")
            .AppendLine("    sleep 0.2")
            .AppendLine("  done")
            .AppendLine("}");
        foreach (var node in topology.Nodes)
        {
            script.AppendLine($"wait_for {topology.AnnouncedHost(node)} {node.Port}");
        }

        script.AppendLine($"{cli} --cluster create {string.Join(' ', nodes)} --cluster-replicas {topology.Settings.ClusterReplicasPerMaster} --cluster-yes");
        return script.ToString();
    }
}
