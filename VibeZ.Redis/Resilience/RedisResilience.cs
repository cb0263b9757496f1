using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;
using Polly.Timeout;
using StackExchange.Redis;
using VibeZ.Redis.Telemetry;

namespace VibeZ.Redis.Resilience;

/// <summary>
/// Runs operations through the two Polly pipelines registered by <see cref="RedisResilienceHostApplicationBuilderExtensions"/>.
/// </summary>
internal sealed class RedisResilience : IRedisResilience
{
    private readonly IConnectionMultiplexer _multiplexer;
    private readonly ResiliencePipeline _idempotent;
    private readonly ResiliencePipeline _once;
    private readonly IOptions<RedisResilienceOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly RedisFailoverSpan _failovers;
    private readonly ILogger _logger;

    public RedisResilience(
        IConnectionMultiplexer multiplexer,
        ResiliencePipelineProvider<string> pipelines,
        IOptions<RedisResilienceOptions> options,
        TimeProvider timeProvider,
        RedisFailoverSpan failovers,
        ILogger<RedisResilience> logger)
    {
        _multiplexer = multiplexer;
        _idempotent = pipelines.GetPipeline(RedisResilienceDefaults.IdempotentPipelineKey);
        _once = pipelines.GetPipeline(RedisResilienceDefaults.OncePipelineKey);
        _options = options;
        _timeProvider = timeProvider;
        _failovers = failovers;
        _logger = logger;
    }

    public Task<T> ExecuteIdempotentAsync<T>(string operationName, Func<IDatabase, CancellationToken, Task<T>> operation, CancellationToken cancellationToken = default) =>
        ExecuteAsync(_idempotent, retried: true, operationName, operation, cancellationToken);

    public Task<T> ExecuteOnceAsync<T>(string operationName, Func<IDatabase, CancellationToken, Task<T>> operation, CancellationToken cancellationToken = default) =>
        ExecuteAsync(_once, retried: false, operationName, operation, cancellationToken);

    private async Task<T> ExecuteAsync<T>(
        ResiliencePipeline pipeline, bool retried, string operationName, Func<IDatabase, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(operationName);
        ArgumentNullException.ThrowIfNull(operation);

        var started = _timeProvider.GetTimestamp();
        var attempts = 0;

        // A span per operation, only when someone records them: Redis commands sent by the attempts are its children,
        // and a retry caused by a failover links it to the redis.failover span.
        using var activity = RedisTelemetry.ActivitySource.StartActivity(RedisTelemetry.OperationActivityPrefix + operationName, ActivityKind.Internal);
        activity?.SetTag(RedisTelemetry.OperationTag, operationName);
        DateTimeOffset? attemptStarted = null;
        var linkedFailover = default(ActivitySpanId);

        // The last attempt's error; null while it waits for Redis, so an attempt given up at a timeout is reported as
        // such rather than by an earlier attempt's error.
        Exception? lastError = null;

        // The operation key puts the operation's name on Polly's own logs and metrics.
        var context = ResilienceContextPool.Shared.Get(operationName, cancellationToken);
        try
        {
            return await pipeline.ExecuteAsync(
                async ctx =>
                {
                    attempts++;
                    lastError = null;

                    // A retry: if the attempt before it ran while a failover was under way, that failover is why.
                    var now = _timeProvider.GetUtcNow();
                    if (activity is not null && attemptStarted is { } previous
                        && _failovers.Overlapping(previous, now) is { } failover && failover.SpanId != linkedFailover)
                    {
                        activity.AddLink(new ActivityLink(failover));
                        linkedFailover = failover.SpanId;
                    }

                    attemptStarted = now;
                    try
                    {
                        // StackExchange.Redis calls take no token; WaitAsync lets the attempt timeout and the budget win
                        // over the library's own timeout (and its backlog, where that queues commands while disconnected).
                        return await operation(_multiplexer.GetDatabase(), ctx.CancellationToken).WaitAsync(ctx.CancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (RedisResilienceErrors.IsTransient(ex))
                    {
                        lastError = ex;
                        throw;
                    }
                },
                context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutRejectedException || RedisResilienceErrors.IsTransient(ex))
        {
            var why = (ex, retried) switch
            {
                (TimeoutRejectedException, true) => $"it did not succeed within {Setting(nameof(RedisResilienceOptions.TotalTimeoutSeconds), $"budget of {_options.Value.TotalTimeoutSeconds:0.###} s")}",

                // Given up, not undone: the command may still reach Redis, which is why it is never sent again.
                (TimeoutRejectedException, false) =>
                    $"outcome unknown: it got no answer within {Setting(nameof(RedisResilienceOptions.AttemptTimeoutMilliseconds), $"of {_options.Value.AttemptTimeoutMilliseconds} ms")} and was not retried, because it is not idempotent; Redis may have applied it or may still apply it",
                (_, true) => "it kept failing",
                (_, false) => $"{OnceFailure(ex)} and was not retried, because it is not idempotent",
            };
            var unavailable = Unavailable(operationName, retried, attempts, _timeProvider.GetElapsedTime(started), why, lastError ?? ex);
            activity?.SetStatus(ActivityStatusCode.Error, unavailable.Message);
            throw unavailable;
        }
        finally
        {
            activity?.SetTag(RedisTelemetry.AttemptsTag, attempts);
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static string Setting(string name, string value) => $"the {RedisResilienceDefaults.SectionName}:{name} {value}";

    /// <summary>What a caller can know about a write that failed once: a refusal or an unsent command left no trace.</summary>
    private static string OnceFailure(Exception exception) => exception switch
    {
        RedisServerException => "Redis refused it",
        RedisConnectionException { CommandStatus: CommandStatus.WaitingToBeSent or CommandStatus.WaitingInBacklog } => "it was never sent",
        RedisTimeoutException { Commandstatus: CommandStatus.WaitingToBeSent or CommandStatus.WaitingInBacklog } => "it was never sent",
        _ => "outcome unknown: it failed after it may have reached Redis",
    };

    private RedisUnavailableException Unavailable(string operationName, bool retried, int attempts, TimeSpan elapsed, string why, Exception lastError)
    {
        var last = lastError is TimeoutRejectedException
            ? "the last attempt was still waiting for Redis when it was given up"
            : $"{lastError.GetType().Name}: {lastError.Message}";

        var exception = new RedisUnavailableException(
            operationName,
            attempts,
            elapsed,
            $"Redis is unavailable for '{operationName}': {why} ({attempts} attempt(s), {elapsed.TotalMilliseconds:0} ms). Last error: {last}",
            lastError);
        RedisResilienceLog.OperationUnavailable(_logger, operationName, attempts, (long)elapsed.TotalMilliseconds, retried, exception);
        return exception;
    }
}
