namespace VibeZ.Worker.Broadcasts;

internal static partial class BroadcastDeliveryLog
{
    [LoggerMessage(1, LogLevel.Information, "Delivered broadcast {Id} to {Channel} at offset {Offset} (duplicate {Duplicate})", EventName = "BroadcastDelivered")]
    public static partial void Delivered(ILogger logger, string id, string channel, long offset, bool duplicate);

    [LoggerMessage(2, LogLevel.Warning, "Delivering broadcasts failed, will try again", EventName = "BroadcastDeliveryFailed")]
    public static partial void DeliveryFailed(ILogger logger, Exception exception);

    [LoggerMessage(3, LogLevel.Warning, "Delivering broadcasts still fails after {Attempts} attempts: {Reason}", EventName = "BroadcastDeliveryStillFailing")]
    public static partial void DeliveryStillFailing(ILogger logger, int attempts, string reason);

    [LoggerMessage(4, LogLevel.Information, "Delivering broadcasts works again after {Attempts} failed attempts", EventName = "BroadcastDeliveryRecovered")]
    public static partial void DeliveryRecovered(ILogger logger, int attempts);

    [LoggerMessage(5, LogLevel.Warning, "Broadcast {Id} is dead-lettered after {Attempts} attempts: {Reason}", EventName = "BroadcastDeadLettered")]
    public static partial void DeadLettered(ILogger logger, string id, long attempts, string reason);
}
