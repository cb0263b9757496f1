using System.Net;
using StackExchange.Redis;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>What the AppHost reads from a <c>CLUSTER NODES</c> entry that StackExchange.Redis parsed.</summary>
internal static class RedisClusterNodeExtensions
{
    /// <summary>Gets the data port a node announces; ports are unique within a topology, addresses depend on the runtime.</summary>
    public static int Port(this ClusterNode node) => node.EndPoint switch
    {
        IPEndPoint ip => ip.Port,
        DnsEndPoint dns => dns.Port,
        _ => 0,
    };

    /// <summary>Gets whether the node is flagged failing or possibly failing.</summary>
    public static bool IsFailing(this ClusterNode node) => node.IsFail || node.IsPossiblyFail;
}
