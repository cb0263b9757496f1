namespace VibeZ.Worker.Canary;

internal static partial class CanaryLog
{
    [LoggerMessage(EventId = 1300, EventName = "CanaryRoundFailed", Level = LogLevel.Warning, Message = "Canary round failed: {Reason}")]
    public static partial void RoundFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 1301, EventName = "CanaryRound", Level = LogLevel.Debug, Message = "Canary went round in {RoundTripMs} ms")]
    public static partial void Round(ILogger logger, double roundTripMs);
}
