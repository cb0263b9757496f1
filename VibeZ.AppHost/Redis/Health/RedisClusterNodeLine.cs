using System.Globalization;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>One line of <c>CLUSTER NODES</c>: <c>id ip:port@bus flags master ping pong epoch link slot…</c>.</summary>
/// <param name="Id">The node id.</param>
/// <param name="Port">The data port the node announces; ports are unique within a topology, addresses depend on the runtime.</param>
/// <param name="Flags">The flags, e.g. <c>myself,master</c> or <c>slave,fail</c>.</param>
/// <param name="MasterId">The id of the node's master, or <c>-</c> for a master.</param>
/// <param name="Connected">Whether the link to the node is up, as the node that answered sees it.</param>
/// <param name="Slots">The slot ranges a master serves.</param>
internal sealed record RedisClusterNodeLine(string Id, int Port, string[] Flags, string MasterId, bool Connected, string[] Slots)
{
    public bool IsMyself => Flags.Contains("myself");

    public bool IsMaster => Flags.Contains("master");

    /// <summary>Gets whether the node is flagged failing or possibly failing.</summary>
    public bool IsFailing => Flags.Contains("fail") || Flags.Contains("fail?");

    public static List<RedisClusterNodeLine> Parse(string reply) =>
    [
        .. reply.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(line =>
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var address = fields[1].Split('@')[0];
            var port = int.Parse(address[(address.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
            return new RedisClusterNodeLine(fields[0], port, fields[2].Split(','), fields[3], fields[7] == "connected", fields[8..]);
        }),
    ];
}
