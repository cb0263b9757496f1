namespace VibeZ.Redis.Resilience;

/// <summary>
/// Defaults and names of the Redis resilience layer, in one place (Polly's <c>RetryConstants</c>).
/// </summary>
internal static class RedisResilienceDefaults
{
    public const string SectionName = "Redis:Resilience";

    // The monitor's interval sits directly under "Redis", where docs/configuration.md (Services) lists the 30-second health interval.
    public const string MonitorSectionName = "Redis";

    // Every pipeline key below starts with it.
    public const string PipelinePrefix = "vibez-redis";

    public const string IdempotentPipelineKey = "vibez-redis-idempotent";

    public const string OncePipelineKey = "vibez-redis-once";

    // Strategy names, as Polly's telemetry reports them.
    public const string TotalTimeoutStrategyName = "TotalTimeout";

    public const string RetryStrategyName = "Retry";

    public const string AttemptTimeoutStrategyName = "AttemptTimeout";

    // Long enough to ride out a sentinel failover (down-after-milliseconds 5000 plus the switch), short enough
    // that a caller gets an answer instead of hanging while Redis is gone.
    public const double TotalTimeoutSeconds = 10;

    public const double MaxTotalTimeoutSeconds = 300;

    // Far above a healthy command's few milliseconds, and well inside the budget: a command stuck on a hung node is
    // given up in time for attempts on the node that replaced it. Below StackExchange.Redis's own 5 s timeout, which
    // would otherwise decide first.
    public const int AttemptTimeoutMilliseconds = 2000;

    // The reconnect schedule of docs/redis/resilience.md (Reconnects): 50 ms, 100 ms, 150 ms … up to 2 s.
    public const int RetryDelayMilliseconds = 50;

    public const int MaxRetryDelayMilliseconds = 2000;

    public const int MaxDelaySettingMilliseconds = 60_000;

    // The monitor's interval of docs/redis/resilience.md (Health): every 30 s.
    public const int HealthCheckIntervalSeconds = 30;

    public const int MaxHealthCheckIntervalSeconds = 3600;

    // Server replies that mean "this node cannot serve you right now, another soon will" (failover, restart,
    // resharding), as opposed to replies that mean the command itself is wrong.
    public static readonly string[] TransientServerErrorPrefixes = ["READONLY", "LOADING", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN"];
}
