using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;
using Polly.Timeout;
using StackExchange.Redis;

namespace VibeZ.ServiceDefaults.Redis;

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
    private readonly ILogger _logger;

    public RedisResilience(
        IConnectionMultiplexer multiplexer,
        ResiliencePipelineProvider<string> pipelines,
        IOptions<RedisResilienceOptions> options,
        TimeProvider timeProvider,
        ILogger<RedisResilience> logger)
    {
        _multiplexer = multiplexer;
        _idempotent = pipelines.GetPipeline(RedisResilienceDefaults.IdempotentPipelineKey);
        _once = pipelines.GetPipeline(RedisResilienceDefaults.OncePipelineKey);
        _options = options;
        _timeProvider = timeProvider;
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
        Exception? lastError = null;

        // The operation key puts the operation's name on Polly's own logs and metrics.
        var context = ResilienceContextPool.Shared.Get(operationName, cancellationToken);
        try
        {
            return await pipeline.ExecuteAsync(
                async ctx =>
                {
                    attempts++;
                    try
                    {
                        // StackExchange.Redis calls take no token; WaitAsync lets the budget win over the library's own
                        // timeout (and its backlog, where that queues commands while disconnected).
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
            throw Unavailable(operationName, retried, attempts, _timeProvider.GetElapsedTime(started), lastError ?? ex, budgetExpired: ex is TimeoutRejectedException);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private RedisUnavailableException Unavailable(string operationName, bool retried, int attempts, TimeSpan elapsed, Exception lastError, bool budgetExpired)
    {
        var budget = $"the {RedisResilienceDefaults.SectionName}:{nameof(RedisResilienceOptions.TotalTimeoutSeconds)} budget of {_options.Value.TotalTimeoutSeconds:0.###} s";
        var why = (budgetExpired, retried) switch
        {
            (true, true) => $"it did not succeed within {budget}",

            // Abandoned, not undone: the command may still reach Redis, which is why it is never sent again.
            (true, false) => $"it did not finish within {budget} and was not retried, because it is not idempotent; Redis may still apply it",
            (false, true) => "it kept failing",
            (false, false) => "it failed and was not retried, because it is not idempotent",
        };
        var last = lastError is TimeoutRejectedException ? "the attempt was still waiting for Redis" : $"{lastError.GetType().Name}: {lastError.Message}";

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
