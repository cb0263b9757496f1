namespace VibeZ.Worker.Canary;

internal static partial class CanaryLog
{
    [LoggerMessage(EventId = 1300, EventName = "CanaryRoundFailed", Level = LogLevel.Warning, Message = "Canary round failed: {Reason}")]
    public static partial void RoundFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 1301, EventName = "CanaryRound", Level = LogLevel.Debug, Message = "Canary went round in {RoundTripMs} ms")]
    public static partial void Round(ILogger logger, double roundTripMs);

    [LoggerMessage(EventId = 1302, EventName = "CanaryLeaseAcquired", Level = LogLevel.Information, Message = "This Worker now runs the canary (lease fence {Fence})")]
    public static partial void LeaseAcquired(ILogger logger, long fence);

    [LoggerMessage(EventId = 1303, EventName = "CanaryLeaseLost", Level = LogLevel.Warning, Message = "This Worker lost the canary lease (fence {Fence}); another runs it now")]
    public static partial void LeaseLost(ILogger logger, long fence);
}
