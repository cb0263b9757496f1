using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using VibeZ.Redis.Configuration;

namespace VibeZ.Redis.Health;

/// <summary>
/// Runs the registered <c>redis</c> health check directly, with its own factory, failure status and timeout, so
/// there is one definition of "Redis is healthy" per mode. It bypasses <see cref="HealthCheckService"/>, whose answer
/// for a check that times out or throws is a bare message, so a caller is told which check gave up and how.
/// </summary>
internal sealed class RedisHealthStatus(IServiceScopeFactory scopes, IOptions<HealthCheckServiceOptions> healthChecks, TimeProvider timeProvider) : IRedisHealthStatus
{
    public async Task<RedisHealthReport> CheckAsync(CancellationToken cancellationToken = default)
    {
        var registration = healthChecks.Value.Registrations.FirstOrDefault(r => r.Name == RedisDefaults.HealthCheckName);
        if (registration is null)
        {
            return new RedisHealthReport(HealthStatus.Unhealthy, $"No '{RedisDefaults.HealthCheckName}' health check is registered; call AddVibeZRedis.");
        }

        using var timeout = registration.Timeout > TimeSpan.Zero && registration.Timeout != Timeout.InfiniteTimeSpan
            ? new CancellationTokenSource(registration.Timeout, timeProvider)
            : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var check = registration.Factory(scope.ServiceProvider);
            var result = await check.CheckHealthAsync(new HealthCheckContext { Registration = registration }, linked.Token).WaitAsync(linked.Token).ConfigureAwait(false);
            return new RedisHealthReport(result.Status, result.Description ?? result.Exception?.Message ?? result.Status.ToString());
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new RedisHealthReport(registration.FailureStatus, $"The '{registration.Name}' health check did not answer within {registration.Timeout.TotalSeconds:0.#} s.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A check that throws (a service it needs is missing, a bug) means Redis cannot be vouched for.
            return new RedisHealthReport(registration.FailureStatus, $"The '{registration.Name}' health check failed: {ex.GetType().Name}: {ex.Message}");
        }
    }
}
