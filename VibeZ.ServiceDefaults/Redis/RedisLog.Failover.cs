using Microsoft.Extensions.Logging;

namespace VibeZ.ServiceDefaults.Redis;

internal static partial class RedisLog
{
    [LoggerMessage(50, LogLevel.Warning, "Redis sentinels switched the master from {OldMaster} to {NewMaster}; closed {Connections} connections to {OldMaster} so commands stuck there fail and are retried", EventName = "RedisSentinelSwitchedMaster")]
    public static partial void SentinelSwitchedMaster(ILogger logger, string oldMaster, string newMaster, int connections);
}
