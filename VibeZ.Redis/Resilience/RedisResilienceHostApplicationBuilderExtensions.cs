using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Telemetry;
using Polly.Timeout;
using VibeZ.Redis.Health;
using VibeZ.Redis.Telemetry;

namespace VibeZ.Redis.Resilience;

/// <summary>
/// Registers how VibeZ rides out a Redis failover: retries within a time budget, and a monitor of Redis health.
/// </summary>
public static class RedisResilienceHostApplicationBuilderExtensions
{
    // Polly.Extensions reports its metrics on this meter.
    private const string PollyMeterName = "Polly";

    // The category of the service that runs health checks, for /health and for the publisher alike.
    private const string HealthCheckServiceCategory = "Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService";

    /// <summary>
    /// Registers <see cref="IRedisResilience"/> (two Polly pipelines, with telemetry), <see cref="IRedisHealthStatus"/>
    /// and a health check publisher that logs changes of Redis health. Settings under <c>Redis:Resilience</c> and
    /// <c>Redis:HealthCheckIntervalSeconds</c> are validated on start.
    /// </summary>
    /// <typeparam name="TBuilder">The host builder type.</typeparam>
    /// <param name="builder">The host builder to add services to.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static TBuilder AddVibeZRedisResilience<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        var services = builder.Services;
        if (services.Any(service => service.ServiceType == typeof(IRedisResilience)))
        {
            return builder;
        }

        services.TryAddSingleton(TimeProvider.System);

        services.AddOptions<RedisResilienceOptions>().BindConfiguration(RedisResilienceDefaults.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RedisResilienceOptions>, RedisResilienceOptionsValidator>();
        services.AddOptions<RedisHealthMonitorOptions>().BindConfiguration(RedisResilienceDefaults.MonitorSectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RedisHealthMonitorOptions>, RedisHealthMonitorOptionsValidator>();

        // Outermost the budget, so it bounds every attempt and every delay together; innermost the attempt timeout, so
        // an attempt stuck on a hung node is given up and the retry sends the command again, instead of the budget
        // running out on the first attempt.
        services.AddResiliencePipeline(RedisResilienceDefaults.IdempotentPipelineKey, (pipeline, context) =>
        {
            var options = context.GetOptions<RedisResilienceOptions>();
            pipeline.TimeProvider = context.ServiceProvider.GetRequiredService<TimeProvider>();
            pipeline
                .AddTimeout(new TimeoutStrategyOptions { Name = RedisResilienceDefaults.TotalTimeoutStrategyName, Timeout = options.TotalTimeout })
                .AddRetry(new RetryStrategyOptions
                {
                    Name = RedisResilienceDefaults.RetryStrategyName,

                    // Only the attempt timeout's own rejection reaches the retry: when the budget runs out, the attempt
                    // sees its token cancelled from outside and ends in OperationCanceledException instead.
                    ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is TimeoutRejectedException || RedisResilienceErrors.IsTransient(args.Outcome.Exception)),
                    BackoffType = DelayBackoffType.Linear,
                    Delay = TimeSpan.FromMilliseconds(options.RetryDelayMilliseconds),
                    MaxDelay = TimeSpan.FromMilliseconds(options.MaxRetryDelayMilliseconds),

                    // The budget, not a count, decides when to stop; the steps of docs/redis/resilience.md (Reconnects) are exact, so no jitter.
                    MaxRetryAttempts = int.MaxValue,
                    UseJitter = false,
                })
                .AddTimeout(AttemptTimeout(options, context.ServiceProvider));
        });

        // One attempt, so the attempt timeout is its whole time (the validator keeps it within the budget): a write
        // stuck on a hung node is reported as of unknown outcome then, rather than held for the budget of retried work.
        services.AddResiliencePipeline(RedisResilienceDefaults.OncePipelineKey, (pipeline, context) =>
        {
            var options = context.GetOptions<RedisResilienceOptions>();
            pipeline.TimeProvider = context.ServiceProvider.GetRequiredService<TimeProvider>();
            pipeline.AddTimeout(AttemptTimeout(options, context.ServiceProvider));
        });

        // Polly logs every handled attempt, retry and attempt timeout at Warning, each with its exception: during a
        // failover that is a stack trace per command per retry. Those go to Debug for these pipelines; the metrics
        // still count them, and the resilience layer's own log says when an operation finally fails.
        services.Configure<TelemetryOptions>(telemetry =>
        {
            var previous = telemetry.SeverityProvider;
            telemetry.SeverityProvider = args =>
                args.Source.PipelineName?.StartsWith(RedisResilienceDefaults.PipelinePrefix, StringComparison.Ordinal) == true
                && args.Event.EventName is "ExecutionAttempt" or "OnRetry" or "OnTimeout"
                    ? ResilienceEventSeverity.Debug
                    : previous?.Invoke(args) ?? args.Event.Severity;
        });

        services.TryAddSingleton<RedisFailoverSpan>();
        services.AddSingleton<RedisResilienceClusterRefresh>();
        services.AddSingleton<IRedisResilience, RedisResilience>();
        services.AddSingleton<IRedisHealthStatus, RedisHealthStatus>();
        services.AddHealthChecks();
        services.AddSingleton<IConfigureOptions<HealthCheckPublisherOptions>, RedisHealthMonitorSchedule>();
        services.AddSingleton<IHealthCheckPublisher, RedisHealthMonitor>();

        // The health check service logs every unhealthy run at Error and every degraded one at Warning: a line per
        // /health probe and per monitor run for as long as an outage lasts. The monitor logs each change once instead,
        // and /health's body says why. Only that category: the publisher service still logs a publisher that fails, and
        // request logging still shows a 503. Put first, so a Logging:LogLevel entry for the category in settings wins.
        services.Configure<LoggerFilterOptions>(filters =>
            filters.Rules.Insert(0, new LoggerFilterRule(providerName: null, HealthCheckServiceCategory, LogLevel.Critical, filter: null)));

        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(PollyMeterName));

        return builder;
    }

    private static TimeoutStrategyOptions AttemptTimeout(RedisResilienceOptions options, IServiceProvider services)
    {
        var clusterRefresh = services.GetRequiredService<RedisResilienceClusterRefresh>();
        return new TimeoutStrategyOptions
        {
            Name = RedisResilienceDefaults.AttemptTimeoutStrategyName,
            Timeout = options.AttemptTimeout,
            OnTimeout = _ =>
            {
                clusterRefresh.OnAttemptTimedOut();
                return default;
            },
        };
    }
}
