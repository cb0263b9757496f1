using Microsoft.Extensions.Logging;

namespace VibeZ.Redis.Telemetry;

/// <summary>Sentinel failover logs of <see cref="RedisLog"/> (event ids 50 and up): master switches and the old master's fence.</summary>
internal static partial class RedisLog
{
    [LoggerMessage(50, LogLevel.Warning, "Redis sentinels switched the master from {OldMaster} to {NewMaster}; closed {Connections} connections to {OldMaster} so commands stuck there fail and are retried", EventName = "RedisSentinelSwitchedMaster")]
    public static partial void SentinelSwitchedMaster(ILogger logger, string oldMaster, string newMaster, int connections);

    [LoggerMessage(51, LogLevel.Warning, "Redis master {OldMaster} is fenced: no connection to it until the sentinels report it as a replica, so a restarted old master cannot take writes meant for {NewMaster}", EventName = "RedisOldMasterFenced")]
    public static partial void OldMasterFenced(ILogger logger, string oldMaster, string newMaster);

    [LoggerMessage(52, LogLevel.Information, "Redis node {EndPoint} is no longer fenced: {Reason}", EventName = "RedisFenceLifted")]
    public static partial void FenceLifted(ILogger logger, string endPoint, string reason);

    [LoggerMessage(53, LogLevel.Warning, "Redis sentinels name {NewMaster} the master, but no +switch-master away from {OldMaster} was heard (the sentinel subscription was down when it was sent); following the sentinels' answer", EventName = "RedisSwitchMasterMissed")]
    public static partial void SwitchMasterMissed(ILogger logger, string oldMaster, string newMaster);
}
