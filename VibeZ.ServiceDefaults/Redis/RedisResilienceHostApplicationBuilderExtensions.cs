using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace VibeZ.ServiceDefaults.Redis;

/// <summary>
/// Registers how VibeZ rides out a Redis failover: retries within a time budget, and a monitor of Redis health.
/// </summary>
public static class RedisResilienceHostApplicationBuilderExtensions
{
    // Polly.Extensions reports its metrics on this meter.
    private const string PollyMeterName = "Polly";

    /// <summary>
    /// Registers <see cref="IRedisResilience"/> (two Polly pipelines, with telemetry), <see cref="IRedisHealthStatus"/>
    /// and a background monitor that logs changes of Redis health. Settings under <c>Redis:Resilience</c> and
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

        // Outermost the budget, so it bounds every attempt and every delay together.
        services.AddResiliencePipeline(RedisResilienceDefaults.IdempotentPipelineKey, (pipeline, context) =>
        {
            var options = context.GetOptions<RedisResilienceOptions>();
            pipeline.TimeProvider = context.ServiceProvider.GetRequiredService<TimeProvider>();
            pipeline
                .AddTimeout(new TimeoutStrategyOptions { Timeout = options.TotalTimeout })
                .AddRetry(new RetryStrategyOptions
                {
                    ShouldHandle = args => ValueTask.FromResult(RedisResilienceErrors.IsTransient(args.Outcome.Exception)),
                    BackoffType = DelayBackoffType.Linear,
                    Delay = TimeSpan.FromMilliseconds(options.RetryDelayMilliseconds),
                    MaxDelay = TimeSpan.FromMilliseconds(options.MaxRetryDelayMilliseconds),

                    // The budget, not a count, decides when to stop; the spec's steps are exact, so no jitter.
                    MaxRetryAttempts = int.MaxValue,
                    UseJitter = false,
                });
        });

        services.AddResiliencePipeline(RedisResilienceDefaults.OncePipelineKey, (pipeline, context) =>
        {
            var options = context.GetOptions<RedisResilienceOptions>();
            pipeline.TimeProvider = context.ServiceProvider.GetRequiredService<TimeProvider>();
            pipeline.AddTimeout(new TimeoutStrategyOptions { Timeout = options.TotalTimeout });
        });

        services.AddSingleton<IRedisResilience, RedisResilience>();
        services.AddSingleton<IRedisHealthStatus, RedisHealthStatus>();
        services.AddHostedService<RedisHealthMonitor>();

        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(PollyMeterName));

        return builder;
    }
}
