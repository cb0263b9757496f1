using Microsoft.Extensions.Options;
using VibeZ.ServiceDefaults.Redis.Resilience;

namespace VibeZ.ServiceDefaults.Redis.Health;

/// <summary>
/// Stops start-up on an interval that cannot work, naming the setting and the value.
/// </summary>
internal sealed class RedisHealthMonitorOptionsValidator : IValidateOptions<RedisHealthMonitorOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisHealthMonitorOptions options) =>
        options.HealthCheckIntervalSeconds is < 1 or > RedisResilienceDefaults.MaxHealthCheckIntervalSeconds
            ? ValidateOptionsResult.Fail(
                $"{RedisResilienceDefaults.MonitorSectionName}:{nameof(options.HealthCheckIntervalSeconds)} value '{options.HealthCheckIntervalSeconds}' is invalid: it must be between 1 and {RedisResilienceDefaults.MaxHealthCheckIntervalSeconds}.")
            : ValidateOptionsResult.Success;
}
