namespace VibeZ.Channels;

/// <summary>The <c>code</c> values of <c>error</c> frames and problem responses.</summary>
internal static class GatewayErrorCodes
{
    public const string InvalidJson = "invalid_json";
    public const string InvalidFrame = "invalid_frame";
    public const string UnknownType = "unknown_type";
    public const string InvalidChannel = "invalid_channel";
    public const string InvalidBroadcast = "invalid_broadcast";
    public const string ReservedChannel = "reserved_channel";
    public const string MessageTooLarge = "message_too_large";
    public const string BinaryNotSupported = "binary_not_supported";
    public const string NotSubscribed = "not_subscribed";
    public const string RedisUnavailable = "redis_unavailable";
    public const string NotReplicated = "not_replicated";
    public const string IdConflict = "id_conflict";
    public const string RedisRefused = "redis_refused";
    public const string InternalError = "internal_error";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string TooManyChannels = "too_many_channels";
    public const string RateLimited = "rate_limited";
    public const string TooManyConnections = "too_many_connections";
    public const string GatewayFull = "gateway_full";
    public const string TooManyHistoryReads = "too_many_history_reads";
}
