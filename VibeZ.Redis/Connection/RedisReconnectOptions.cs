using System.ComponentModel.DataAnnotations;
using VibeZ.Redis.Configuration;

namespace VibeZ.Redis.Connection;

/// <summary>
/// The reconnect schedule, bound from <c>Redis:Reconnect</c>: attempt n waits min(n × base, max).
/// </summary>
public sealed class RedisReconnectOptions : IValidatableObject
{
    private const string Section = RedisDefaults.ReconnectSection;

    /// <summary>Gets or sets the step of the linear schedule, in milliseconds (<c>Redis:Reconnect:BaseDelayMilliseconds</c>).</summary>
    /// <value>The default value is 50; it must be at least 1.</value>
    [SettingRange(Section, 1)]
    public int BaseDelayMilliseconds { get; set; } = RedisDefaults.ReconnectBaseDelayMilliseconds;

    /// <summary>Gets or sets the cap on one delay, in milliseconds (<c>Redis:Reconnect:MaxDelayMilliseconds</c>).</summary>
    /// <value>The default value is 2000; it must be at least <see cref="BaseDelayMilliseconds"/>.</value>
    public int MaxDelayMilliseconds { get; set; } = RedisDefaults.ReconnectMaxDelayMilliseconds;

    // The one rule between two settings, which an attribute on a single property cannot state.
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (MaxDelayMilliseconds < BaseDelayMilliseconds)
        {
            yield return new ValidationResult(
                $"{Section}:{nameof(MaxDelayMilliseconds)} value '{MaxDelayMilliseconds}' is invalid: it must be at least {Section}:{nameof(BaseDelayMilliseconds)} ({BaseDelayMilliseconds}).");
        }
    }
}
