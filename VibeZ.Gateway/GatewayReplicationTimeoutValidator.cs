using Microsoft.Extensions.Options;
using VibeZ.Redis.Resilience;

namespace VibeZ.Gateway;

/// <summary>
/// Stops start-up when <c>Gateway:ReplicationTimeoutMilliseconds</c> does not fit inside
/// <c>Redis:Resilience:AttemptTimeoutMilliseconds</c>: a publish confirms replication as part of one attempt's worth
/// of waiting, and a client that resends after an attempt timed out must not find its first send still waiting.
/// </summary>
internal sealed class GatewayReplicationTimeoutValidator(IOptions<RedisResilienceOptions> resilience) : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var attempt = resilience.Value.AttemptTimeoutMilliseconds;
        return options.ReplicationTimeoutMilliseconds < attempt
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{GatewayDefaults.SectionName}:{nameof(options.ReplicationTimeoutMilliseconds)} is {options.ReplicationTimeoutMilliseconds}; " +
                $"it must be below Redis:Resilience:{nameof(RedisResilienceOptions.AttemptTimeoutMilliseconds)} ({attempt}).");
    }
}
