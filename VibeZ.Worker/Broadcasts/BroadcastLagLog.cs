namespace VibeZ.Worker.Broadcasts;

internal static partial class BroadcastLagLog
{
    [LoggerMessage(20, LogLevel.Warning, "Reading the broadcast backlog failed; the lag metrics keep their last values", EventName = "BroadcastLagReadFailed")]
    public static partial void ReadingFailed(ILogger logger, Exception exception);

    [LoggerMessage(21, LogLevel.Warning, "Reading the broadcast backlog still fails after {Attempts} attempts: {Reason}", EventName = "BroadcastLagReadStillFailing")]
    public static partial void ReadingStillFailing(ILogger logger, int attempts, string reason);

    [LoggerMessage(22, LogLevel.Information, "Reading the broadcast backlog works again after {Attempts} failed attempts", EventName = "BroadcastLagReadRecovered")]
    public static partial void ReadingRecovered(ILogger logger, int attempts);
}
