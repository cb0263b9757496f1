using VibeZ.Redis.Connection;

namespace VibeZ.Redis.Configuration;

internal static class RedisDefaults
{
    public const string Url = "redis://localhost:6379";

    // Long enough for a container that is still starting, short enough that a wrong address fails a health probe quickly.
    public const int ConnectTimeoutMilliseconds = 5000;

    public static readonly TimeSpan HealthCheckTimeout = TimeSpan.FromSeconds(5);

    public const string HealthCheckName = "redis";

    // Aspire reads "ConnectionStrings:redis" and "Aspire:StackExchange:Redis:redis"; REDIS_* still decides the endpoints.
    public const string AspireConnectionName = "redis";

    /// <summary>The configuration section <see cref="RedisReconnectOptions"/> binds to.</summary>
    public const string ReconnectSection = "Redis:Reconnect";

    /// <summary>The step of the linear reconnect schedule: attempt n waits n times this.</summary>
    /// <value>The default value is 50 milliseconds, the first delay of the 50, 100, 150 ms… schedule in docs/redis/resilience.md.</value>
    public const int ReconnectBaseDelayMilliseconds = 50;

    /// <summary>
    /// How often an endpoint that stays down is reported again (<c>Redis reconnecting</c> with the attempt count): its
    /// first failure is logged in full, its attempts (up to 20 a second) only in these summaries.
    /// </summary>
    public static readonly TimeSpan ReconnectReportInterval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the cluster is read again while a master that owned slots is unreachable: a failover takes
    /// cluster-node-timeout plus an election, and a service that sends nothing learns of it only this way.
    /// </summary>
    public static readonly TimeSpan ClusterTopologyPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long one such read waits for the nodes to answer before it looks at what they said: the live ones answer in
    /// milliseconds, while StackExchange.Redis's re-read also waits for a dead seed's next reconnect attempt.
    /// </summary>
    public static readonly TimeSpan ClusterRereadWait = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long a redirect (MOVED) waits, at most, for the nodes' views to show its move before it is logged as one
    /// slot: a takeover's move is logged once, as the ranges it moved, even when the nodes answer slowly.
    /// </summary>
    public static readonly TimeSpan ClusterMovedSettleWait = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How often the sentinels are asked which master they name while a failover is pending, in case their
    /// <c>+switch-master</c> was missed: one <c>SENTINEL GET-MASTER-ADDR-BY-NAME</c> per sentinel, only during a failover.
    /// </summary>
    public static readonly TimeSpan FailoverSentinelPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two reconnect attempts.</summary>
    /// <value>The default value is 2000 milliseconds, the cap in docs/redis/resilience.md.</value>
    public const int ReconnectMaxDelayMilliseconds = 2000;

    /// <summary>
    /// The share of a master's <c>maxmemory</c> (in percent) from which the <c>redis</c> health check reports Degraded:
    /// early enough to act before writes fail with OOM, late enough that a normal working set does not trip it.
    /// </summary>
    public const int MemoryDegradedPercent = 90;

    /// <summary>
    /// Commands a service never sends, so StackExchange.Redis does not send them on its own either: the least-privilege
    /// ACL user services connect as may not run them (docs/security.md).
    /// </summary>
    public static readonly IReadOnlyList<string> CommandsNeverSent = ["CONFIG", "KEYS", "SCAN", "FLUSHALL", "FLUSHDB", "DEBUG", "SHUTDOWN", "SLAVEOF", "REPLICAOF"];
}
