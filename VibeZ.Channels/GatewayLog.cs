namespace VibeZ.Channels;

/// <summary>The Gateway's log lines (SignalR's <c>RedisLog</c>): stable ids and names, no interpolated strings.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(1, LogLevel.Warning, "Publish to {Channel} at offset {Offset} was not confirmed by a replica within {TimeoutMilliseconds} ms; the client gets a retryable error", EventName = "NotReplicated")]
    public static partial void NotReplicated(ILogger logger, string channel, long offset, int timeoutMilliseconds);

    [LoggerMessage(2, LogLevel.Warning, "Ignored a live message on {Channel} that is not in the Gateway's format", EventName = "MalformedLiveMessage")]
    public static partial void MalformedLiveMessage(ILogger logger, string channel);

    [LoggerMessage(3, LogLevel.Warning, "History of {Channel} lost: Redis is behind offset {KnownOffset} of epoch {OldEpoch}, which this Gateway acked or delivered (writes lost in a failover); new epoch {NewEpoch}", EventName = "HistoryLost")]
    public static partial void HistoryLost(ILogger logger, string channel, string oldEpoch, long knownOffset, string newEpoch);

    [LoggerMessage(4, LogLevel.Debug, "Unsubscribing from {Channel} failed", EventName = "UnsubscribeFailed")]
    public static partial void UnsubscribeFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(5, LogLevel.Warning, "Catching up {Channel} from history failed, will try again: {Reason}", EventName = "ResyncFailed")]
    public static partial void ResyncFailed(ILogger logger, string channel, string reason);

    [LoggerMessage(6, LogLevel.Error, "Delivering {Channel} failed", EventName = "FeedFailed")]
    public static partial void FeedFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(7, LogLevel.Warning, "Messages {FromOffset} to {ToOffset} of {Channel} were trimmed from history before they could be delivered; subscribers are told recovery is incomplete", EventName = "MessagesTrimmed")]
    public static partial void MessagesTrimmed(ILogger logger, string channel, long fromOffset, long toOffset);

    [LoggerMessage(8, LogLevel.Warning, "Channel {Channel} started a new epoch {NewEpoch} after offset {OldOffset} of epoch {OldEpoch}; subscribers get recovered:false", EventName = "EpochChanged")]
    public static partial void EpochChanged(ILogger logger, string channel, string oldEpoch, long oldOffset, string newEpoch);

    [LoggerMessage(9, LogLevel.Warning, "Closing client {ConnectionId}: {Reason}", EventName = "ClientClosedByGateway")]
    public static partial void ClientClosedByGateway(ILogger logger, string connectionId, string reason);

    [LoggerMessage(10, LogLevel.Error, "Publish to {Channel} failed unexpectedly", EventName = "PublishFailed")]
    public static partial void PublishFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(11, LogLevel.Debug, "Client {ConnectionId} connection ended: {Reason}", EventName = "ClientDisconnected")]
    public static partial void ClientDisconnected(ILogger logger, string connectionId, string reason);

    [LoggerMessage(12, LogLevel.Information, "Committed offsets {FromOffset} to {ToOffset} of {Channel}, which a replica had confirmed after their publisher stopped waiting", EventName = "PendingCommitted")]
    public static partial void PendingCommitted(ILogger logger, string channel, long fromOffset, long toOffset);

    [LoggerMessage(13, LogLevel.Warning, "Channel {Channel} rolled back past offset {Offset} of epoch {Epoch} (the message there is gone or another one); starting epoch {NewEpoch}", EventName = "RolledBack")]
    public static partial void RolledBack(ILogger logger, string channel, string epoch, long offset, string newEpoch);

    [LoggerMessage(15, LogLevel.Debug, "A read of {Channel} says its history changed, and no master that takes writes could confirm it yet; will ask again: {Reason}", EventName = "NoAuthoritativeMaster")]
    public static partial void NoAuthoritativeMaster(ILogger logger, string channel, string reason);

    [LoggerMessage(14, LogLevel.Debug, "Committing what a replica confirmed of {Channel} failed, will try again: {Reason}", EventName = "CommitPendingFailed")]
    public static partial void CommitPendingFailed(ILogger logger, string channel, string reason);

    [LoggerMessage(19, LogLevel.Warning, "Comparing the subscribed channels with Redis failed, will try again on every resync tick (logged once until it works again): {Reason}", EventName = "SweepFailed")]
    public static partial void SweepFailed(ILogger logger, string reason);

    [LoggerMessage(20, LogLevel.Error, "Comparing the subscribed channels with Redis failed unexpectedly", EventName = "SweepCrashed")]
    public static partial void SweepCrashed(ILogger logger, Exception exception);

    [LoggerMessage(16, LogLevel.Warning, "Refusing WebSocket connections from {Address}: it holds {Limit} already (Gateway:MaxConnectionsPerIp); logged once per address", EventName = "TooManyConnectionsFromAddress")]
    public static partial void TooManyConnectionsFromAddress(ILogger logger, string address, int limit);

    [LoggerMessage(17, LogLevel.Warning, "Refused connections from {Count} addresses are logged; further ones are refused without a line", EventName = "RefusedAddressLogLimitReached")]
    public static partial void RefusedAddressLogLimitReached(ILogger logger, int count);

    [LoggerMessage(18, LogLevel.Warning, "Refusing WebSocket connections: the Gateway holds {Limit} (Gateway:MaxConnections); logged once until it has room again", EventName = "GatewayFull")]
    public static partial void GatewayFull(ILogger logger, int limit);

    [LoggerMessage(21, LogLevel.Warning, "This Gateway remembers the last message of {Limit} channels (Gateway:MaxKnownChannels); from now on the least recently used channel's is forgotten to make room (logged once)", EventName = "KnownChannelsFull")]
    public static partial void KnownChannelsFull(ILogger logger, int limit);
}
