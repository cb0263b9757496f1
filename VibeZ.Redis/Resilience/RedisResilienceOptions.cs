using System.ComponentModel.DataAnnotations;

namespace VibeZ.Redis.Resilience;

/// <summary>
/// How long and how often a Redis operation is retried while Redis fails over; bound from <c>Redis:Resilience</c>.
/// </summary>
public sealed class RedisResilienceOptions : IValidatableObject
{
    private const string Section = RedisResilienceDefaults.SectionName;

    /// <summary>
    /// Gets or sets the total time an operation may take, all attempts and delays included (<c>Redis:Resilience:TotalTimeoutSeconds</c>).
    /// </summary>
    /// <value>The default value is 10 seconds; it must be greater than 0 and at most 300.</value>
    [SettingRange(Section, 0, RedisResilienceDefaults.MaxTotalTimeoutSeconds, MinimumIsExclusive = true)]
    public double TotalTimeoutSeconds { get; set; } = RedisResilienceDefaults.TotalTimeoutSeconds;

    /// <summary>
    /// Gets or sets the first retry delay; each further retry waits one step longer (<c>Redis:Resilience:RetryDelayMilliseconds</c>).
    /// </summary>
    /// <value>The default value is 50 milliseconds (50, 100, 150 …); it must be from 1 to 60000.</value>
    [SettingRange(Section, 1, RedisResilienceDefaults.MaxDelaySettingMilliseconds)]
    public int RetryDelayMilliseconds { get; set; } = RedisResilienceDefaults.RetryDelayMilliseconds;

    /// <summary>
    /// Gets or sets the longest delay between two attempts (<c>Redis:Resilience:MaxRetryDelayMilliseconds</c>).
    /// </summary>
    /// <value>The default value is 2000 milliseconds; it must be from <see cref="RetryDelayMilliseconds"/> to 60000.</value>
    public int MaxRetryDelayMilliseconds { get; set; } = RedisResilienceDefaults.MaxRetryDelayMilliseconds;

    /// <summary>
    /// Gets or sets how long one attempt may wait for Redis before it is given up (<c>Redis:Resilience:AttemptTimeoutMilliseconds</c>).
    /// An idempotent operation is then sent again, so a command stuck on a hung node does not use up the whole budget;
    /// an operation run once fails, its outcome unknown.
    /// </summary>
    /// <value>The default value is 2000 milliseconds; it must be at least 1 and at most the total budget.</value>
    public int AttemptTimeoutMilliseconds { get; set; } = RedisResilienceDefaults.AttemptTimeoutMilliseconds;

    internal TimeSpan TotalTimeout => TimeSpan.FromSeconds(TotalTimeoutSeconds);

    internal TimeSpan AttemptTimeout => TimeSpan.FromMilliseconds(AttemptTimeoutMilliseconds);

    // The rules between settings, which an attribute on a single property cannot state.
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (MaxRetryDelayMilliseconds < RetryDelayMilliseconds || MaxRetryDelayMilliseconds > RedisResilienceDefaults.MaxDelaySettingMilliseconds)
        {
            yield return new ValidationResult($"{Section}:{nameof(MaxRetryDelayMilliseconds)} value '{MaxRetryDelayMilliseconds}' is invalid: it must be between " +
                $"{Section}:{nameof(RetryDelayMilliseconds)} ({RetryDelayMilliseconds}) and {RedisResilienceDefaults.MaxDelaySettingMilliseconds}.");
        }

        // As the standard HTTP resilience handler of Microsoft.Extensions.Http.Resilience requires too: an attempt allowed
        // longer than the whole budget would be cut short by the budget every time. Compared with a budget in range only
        // (the bounds of its attribute): a bad budget is reported once, by that attribute.
        var totalValid = TotalTimeoutSeconds is > 0 and <= RedisResilienceDefaults.MaxTotalTimeoutSeconds;
        if (AttemptTimeoutMilliseconds < 1 || (totalValid && AttemptTimeoutMilliseconds > TotalTimeoutSeconds * 1000))
        {
            yield return new ValidationResult($"{Section}:{nameof(AttemptTimeoutMilliseconds)} value '{AttemptTimeoutMilliseconds}' is invalid: it must be at least 1 " +
                $"and at most {Section}:{nameof(TotalTimeoutSeconds)} ({TotalTimeoutSeconds} s) in milliseconds.");
        }
    }
}
