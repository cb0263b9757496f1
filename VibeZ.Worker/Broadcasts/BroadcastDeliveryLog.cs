namespace VibeZ.Worker.Broadcasts;

internal static partial class BroadcastDeliveryLog
{
    [LoggerMessage(1, LogLevel.Information, "Delivered broadcast {Id} to {Channel} at offset {Offset} (duplicate {Duplicate})", EventName = "BroadcastDelivered")]
    public static partial void Delivered(ILogger logger, string id, string channel, long offset, bool duplicate);

    [LoggerMessage(2, LogLevel.Warning, "Delivering broadcasts failed, will try again: {Reason}", EventName = "BroadcastDeliveryFailed")]
    public static partial void DeliveryFailed(ILogger logger, string reason);
}
