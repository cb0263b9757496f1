using System.Diagnostics;

namespace VibeZ.Redis.Telemetry;

/// <summary>
/// The names VibeZ's Redis spans and metrics go by, in one place so dashboards and tests spell them the same.
/// </summary>
internal static class RedisTelemetry
{
    /// <summary>The <see cref="ActivitySource"/> and <c>Meter</c> name; <c>AddVibeZRedis</c> registers both with OpenTelemetry.</summary>
    public const string SourceName = "VibeZ.Redis";

    public const string FailoverActivity = "redis.failover";
    public const string ReconnectActivity = "redis.reconnect";
    public const string ResubscribeActivity = "redis.resubscribe";

    /// <summary>Each resilient operation's span is this prefix and the operation's name, e.g. <c>redis.op channel.append</c>.</summary>
    public const string OperationActivityPrefix = "redis.op ";

    public const string OldMasterTag = "redis.failover.old_master";
    public const string NewMasterTag = "redis.failover.new_master";
    public const string FailoverOutcomeTag = "redis.failover.outcome";
    public const string OperationTag = "redis.operation";
    public const string AttemptsTag = "redis.operation.attempts";
    public const string EndPointTag = "redis.endpoint";
    public const string AttemptTag = "redis.reconnect.attempt";

    public const string ReconnectsCounter = "vibez.redis.reconnects";
    public const string FailoversCounter = "vibez.redis.failovers";
    public const string FailoverDurationHistogram = "vibez.redis.failover.duration";

    /// <summary>
    /// Static because an <see cref="ActivitySource"/> costs nothing until someone listens, and spans from every
    /// multiplexer in the process belong to the same source.
    /// </summary>
    public static readonly ActivitySource ActivitySource = new(SourceName);
}
