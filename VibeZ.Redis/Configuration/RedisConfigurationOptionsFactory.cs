using StackExchange.Redis;
using StackExchange.Redis.Configuration;
using VibeZ.Redis.Connection;

namespace VibeZ.Redis.Configuration;

/// <summary>
/// The one place a VibeZ <see cref="ConfigurationOptions"/> is filled in, so services never build their own.
/// </summary>
internal static class RedisConfigurationOptionsFactory
{
    public static ConfigurationOptions Create(RedisConnectionSettings settings, string clientName, Tunnel? tunnel)
    {
        var options = new ConfigurationOptions();
        Apply(options, settings, clientName, tunnel);
        return options;
    }

    /// <summary>
    /// Fills in an instance Aspire already created, so Aspire's defaults and its
    /// <c>Aspire:StackExchange:Redis:ConfigurationOptions</c> tuning survive for everything REDIS_* does not decide.
    /// </summary>
    public static void Apply(ConfigurationOptions options, RedisConnectionSettings settings, string clientName, Tunnel? tunnel)
    {
        // REDIS_* is the contract: drop endpoints an injected ConnectionStrings:redis may have added.
        options.EndPoints.Clear();
        foreach (var endPoint in settings.EndPoints)
        {
            options.EndPoints.Add(endPoint);
        }

        // One options object serves data nodes and, cloned, the sentinels: both speak TLS with the same trust.
        options.Ssl = settings.UseTls;
        if (settings.TlsCaCertificates is { } authorities)
        {
            options.CertificateValidation += RedisServerCertificateValidation.TrustOnly(authorities);
        }
        options.User = settings.User;
        options.Password = settings.Password;
        options.DefaultDatabase = settings.Database;

        // ServiceName is what makes ConnectionMultiplexer.Connect go through the sentinels.
        options.ServiceName = settings.Mode == RedisMode.Sentinel ? settings.SentinelServiceName : null;

        // Keep retrying in the background instead of failing start-up while Redis is still coming up.
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = RedisDefaults.ConnectTimeoutMilliseconds;
        options.ClientName = clientName;

        // StackExchange.Redis counts INFO among admin commands, and the Gateway confirms replication with it (instead of
        // a WAIT that would block the shared connection). What a service may really run is Redis's to say, through
        // the ACL user it connects as.
        options.AllowAdmin = true;

        // Services connect as a least-privilege ACL user (REDIS_USERNAME) that may touch only VibeZ's keys and channels
        // and run only the commands VibeZ uses; see docs/security.md. What StackExchange.Redis would otherwise send on
        // its own falls outside that: CONFIG GET on connect, a GET of its tie-breaker key and a subscription to its
        // configuration-change channel. None is needed: REDIS_* names the topology, and the sentinels and the cluster
        // say who the master is.
        options.CommandMap = CommandMap.Create(new HashSet<string>(RedisDefaults.CommandsNeverSent, StringComparer.OrdinalIgnoreCase), available: false);
        options.TieBreaker = "";
        options.ConfigurationChannel = "";

        if (tunnel is not null)
        {
            options.Tunnel = tunnel;
        }
    }

    /// <summary>
    /// Makes StackExchange.Redis reconnect on the schedule of docs/redis/resilience.md (Reconnects) and leaves retrying commands to one layer.
    /// </summary>
    /// <remarks>
    /// StackExchange.Redis consults <see cref="ConfigurationOptions.ReconnectRetryPolicy"/> only on its heartbeat (1 s by
    /// default), so the heartbeat runs at the schedule's base delay; otherwise a 50 ms step could not happen. The cost is
    /// one timer tick per multiplexer every 50 ms, each walking that multiplexer's few connections.
    /// <see cref="BacklogPolicy.FailFast"/> fails a command at once while disconnected instead of queueing it, because
    /// VibeZ's Polly pipeline is the one layer that retries commands; two layers would multiply each other's waits.
    /// </remarks>
    public static void ApplyReconnect(ConfigurationOptions options, RedisReconnectPolicy policy)
    {
        options.ReconnectRetryPolicy = policy;
        options.HeartbeatInterval = policy.BaseDelay;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.AbortOnConnectFail = false;
    }

    /// <summary>
    /// StackExchange.Redis authenticates to sentinels with the primary's credentials. A password-less sentinel
    /// tolerates that, but one with its own password needs its own options.
    /// </summary>
    public static ConfigurationOptions CreateSentinelOptions(ConfigurationOptions primaryOptions, RedisConnectionSettings settings)
    {
        var options = primaryOptions.Clone();
        if (settings.SentinelPassword is not null)
        {
            options.User = null;
            options.Password = settings.SentinelPassword;
        }

        return options;
    }
}
