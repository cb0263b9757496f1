namespace VibeZ.Worker.Registry;

internal static partial class RegistryLog
{
    [LoggerMessage(EventId = 1400, EventName = "RegistryDeadGatewaysRemoved", Level = LogLevel.Information, Message = "Removed {Count} dead Gateway(s) from the registry: {Nodes}")]
    public static partial void DeadGatewaysRemoved(ILogger logger, int count, string nodes);

    [LoggerMessage(EventId = 1401, EventName = "RegistryCleanupFailed", Level = LogLevel.Warning, Message = "Registry cleanup failed, it runs again next interval: {Reason}")]
    public static partial void CleanupFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 1402, EventName = "RegistryLeaseAcquired", Level = LogLevel.Information, Message = "This Worker now cleans the Gateway registry (lease fence {Fence})")]
    public static partial void LeaseAcquired(ILogger logger, long fence);

    [LoggerMessage(EventId = 1403, EventName = "RegistryLeaseLost", Level = LogLevel.Warning, Message = "This Worker lost the registry lease (fence {Fence}); another cleans it now")]
    public static partial void LeaseLost(ILogger logger, long fence);
}
