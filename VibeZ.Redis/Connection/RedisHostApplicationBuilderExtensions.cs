using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using StackExchange.Redis;
using VibeZ.Redis.Cluster;
using VibeZ.Redis.Configuration;
using VibeZ.Redis.Health;
using VibeZ.Redis.Resilience;
using VibeZ.Redis.Sentinel;
using VibeZ.Redis.Telemetry;

namespace VibeZ.Redis.Connection;

/// <summary>
/// Registers the Redis connection every VibeZ process shares.
/// </summary>
public static class RedisHostApplicationBuilderExtensions
{
    /// <summary>
    /// Reads <c>REDIS_*</c> (or the <c>Redis</c> section), stops start-up with one clear message if they are wrong,
    /// and registers one <see cref="IConnectionMultiplexer"/> through Aspire, with a <c>redis</c> health check tagged <c>ready</c>.
    /// The multiplexer reconnects on the schedule of docs/redis/resilience.md (<see cref="RedisReconnectOptions"/>, section <c>Redis:Reconnect</c>)
    /// and reports reconnects, failovers and cluster slot moves as logs, <c>VibeZ.Redis</c> spans and metrics.
    /// </summary>
    /// <typeparam name="TBuilder">The host builder type.</typeparam>
    /// <param name="builder">The host builder to read configuration from and add services to.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="RedisConfigurationException">A Redis setting is missing or malformed.</exception>
    public static TBuilder AddVibeZRedis<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        if (builder.Services.Any(service => service.ServiceType == typeof(RedisConnectionSettings)))
        {
            return builder;
        }

        builder.Configuration.Add(new RedisEnvironmentConfigurationSource(builder.Configuration));
        var settings = RedisSettingsReader.Read(builder.Configuration);
        var tunnel = settings.NatMap.IsEmpty ? null : new NatMapTunnel(settings.NatMap);
        var clientName = builder.Environment.ApplicationName;

        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<RedisConnector>();
        builder.Services.AddOptions<RedisReconnectOptions>().BindConfiguration(RedisDefaults.ReconnectSection).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisReconnectOptions>, RedisReconnectOptionsValidator>());
        builder.Services.AddSingleton(services => new RedisReconnectPolicy(services.GetRequiredService<IOptions<RedisReconnectOptions>>().Value));
        builder.Services.TryAddSingleton<RedisFailoverSpan>();
        builder.Services.AddSingleton<RedisConnectionState>();
        builder.Services.AddSingleton<IRedisConnectionState>(services => services.GetRequiredService<RedisConnectionState>());
        builder.Services.AddSingleton<RedisMetrics>();
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton(TimeProvider.System);
        if (tunnel is not null)
        {
            builder.Services.AddSingleton(tunnel);
        }

        AddObservers(builder.Services, settings.Mode);

        var tracingEnabled = true;
        builder.AddRedisClient(
            RedisDefaults.AspireConnectionName,
            configureSettings: aspireSettings =>
            {
                // Aspire's tracing only attaches to connections its own factory made; ours is attached below instead.
                tracingEnabled = !aspireSettings.DisableTracing;
                aspireSettings.DisableTracing = true;

                // Aspire's check pings every endpoint the multiplexer knows, so after a sentinel failover (or a
                // cluster node loss) it stays unhealthy while the dead node is down; the "redis" check asks the right question.
                if (settings.Mode != RedisMode.Single)
                {
                    aspireSettings.DisableHealthChecks = true;
                }
            },
            configureOptions: options => RedisConfigurationOptionsFactory.Apply(options, settings, clientName, tunnel));

        // Keep Aspire's options pipeline, health check and start-up activation; swap only the factory.
        builder.Services.Replace(ServiceDescriptor.Singleton<IConnectionMultiplexer>(
            services => services.GetRequiredService<RedisConnector>().Connect()));

        // VibeZ's own failover spans and Redis metrics, exported wherever the host exports its telemetry.
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(RedisTelemetry.SourceName));
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(RedisTelemetry.SourceName));
        if (tracingEnabled)
        {
            builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddRedisInstrumentation());
        }

        builder.Services.AddHealthChecks()
            .AddCheck<RedisHealthCheck>(RedisDefaults.HealthCheckName, tags: ["ready"], timeout: RedisDefaults.HealthCheckTimeout);

        // Retries of idempotent operations and the health monitor sit on top of the one connection.
        builder.AddVibeZRedisResilience();

        return builder;
    }

    /// <summary>
    /// Registers what <see cref="RedisConnector"/> attaches to the multiplexer, in the order it attaches them: the
    /// reconnect reporter in every mode, so a lost connection is logged before the failover it may start, then the
    /// one tracker the mode has, with the parts only that mode uses.
    /// </summary>
    private static void AddObservers(IServiceCollection services, RedisMode mode)
    {
        services.AddObserver<RedisReconnectReporter>();
        switch (mode)
        {
            case RedisMode.Sentinel:
                services.AddSingleton<RedisSentinelConnection>();
                services.AddSingleton<RedisSentinelMasterQuery>();
                services.AddSingleton<RedisMasterFence>();
                services.AddSocketTracker();
                services.AddObserver<RedisSentinelFailoverTracker>();
                break;
            case RedisMode.Cluster:
                services.AddSingleton<RedisClusterDialGate>();
                services.AddSocketTracker();
                services.AddObserver<RedisClusterSlotTracker>();
                break;
        }
    }

    private static void AddObserver<TObserver>(this IServiceCollection services) where TObserver : class, IRedisConnectionObserver
    {
        services.AddSingleton<TObserver>();
        services.AddSingleton<IRedisConnectionObserver>(provider => provider.GetRequiredService<TObserver>());
    }

    /// <summary>
    /// The tracker wraps the tunnel the options were configured with (the NAT map, if any): it is built before
    /// <see cref="RedisConnector"/> puts it in that tunnel's place, because the connector depends on it.
    /// </summary>
    private static void AddSocketTracker(this IServiceCollection services) =>
        services.AddSingleton(provider => new RedisSocketTracker(
            provider.GetRequiredService<IOptions<ConfigurationOptions>>().Value.Tunnel,
            provider.GetService<RedisClusterDialGate>(),
            provider.GetService<RedisMasterFence>()));
}
