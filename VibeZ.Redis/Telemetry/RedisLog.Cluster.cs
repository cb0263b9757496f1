using Microsoft.Extensions.Logging;

namespace VibeZ.Redis.Telemetry;

/// <summary>Cluster logs of <see cref="RedisLog"/> (event ids 40 and up): slot moves, retired nodes, seeds.</summary>
internal static partial class RedisLog
{
    [LoggerMessage(40, LogLevel.Information, "Redis cluster slot moved: slots {FirstSlot}-{LastSlot} from {OldEndPoint} to {NewEndPoint}", EventName = "RedisClusterSlotsMoved")]
    public static partial void ClusterSlotsMoved(ILogger logger, int firstSlot, int lastSlot, string oldEndPoint, string newEndPoint);

    [LoggerMessage(41, LogLevel.Information, "Redis cluster node {EndPoint} is down and the cluster moved its slots to other nodes; it is dialed at most every {CapMilliseconds} ms until it answers again", EventName = "RedisClusterNodeRetired")]
    public static partial void ClusterNodeRetired(ILogger logger, string endPoint, long capMilliseconds);

    [LoggerMessage(42, LogLevel.Information, "Redis cluster seeds {Seeds} are the nodes {Nodes}; connecting by those addresses so that each node is one endpoint", EventName = "RedisClusterSeedsByAnnouncedAddress")]
    public static partial void ClusterSeedsByAnnouncedAddress(ILogger logger, string seeds, string nodes);
}
