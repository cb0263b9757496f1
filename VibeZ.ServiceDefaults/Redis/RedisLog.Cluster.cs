using Microsoft.Extensions.Logging;

namespace VibeZ.ServiceDefaults.Redis;

internal static partial class RedisLog
{
    [LoggerMessage(40, LogLevel.Information, "Redis cluster slot moved: slots {FirstSlot}-{LastSlot} from {OldEndPoint} to {NewEndPoint}", EventName = "RedisClusterSlotsMoved")]
    public static partial void ClusterSlotsMoved(ILogger logger, int firstSlot, int lastSlot, string oldEndPoint, string newEndPoint);
}
