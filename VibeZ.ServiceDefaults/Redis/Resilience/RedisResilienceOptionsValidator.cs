using Microsoft.Extensions.Options;

namespace VibeZ.ServiceDefaults.Redis.Resilience;

/// <summary>
/// Stops start-up on a budget or delay that cannot work, naming the setting and the value.
/// </summary>
internal sealed class RedisResilienceOptionsValidator : IValidateOptions<RedisResilienceOptions>
{
    private const string Section = RedisResilienceDefaults.SectionName;

    public ValidateOptionsResult Validate(string? name, RedisResilienceOptions options)
    {
        var failures = new List<string>();

        var totalValid = options.TotalTimeoutSeconds > 0 && options.TotalTimeoutSeconds <= RedisResilienceDefaults.MaxTotalTimeoutSeconds;
        if (!totalValid)
        {
            failures.Add($"{Section}:{nameof(options.TotalTimeoutSeconds)} value '{options.TotalTimeoutSeconds}' is invalid: it must be greater than 0 and at most {RedisResilienceDefaults.MaxTotalTimeoutSeconds}.");
        }

        if (options.RetryDelayMilliseconds is < 1 or > RedisResilienceDefaults.MaxDelaySettingMilliseconds)
        {
            failures.Add($"{Section}:{nameof(options.RetryDelayMilliseconds)} value '{options.RetryDelayMilliseconds}' is invalid: it must be between 1 and {RedisResilienceDefaults.MaxDelaySettingMilliseconds}.");
        }

        if (options.MaxRetryDelayMilliseconds < options.RetryDelayMilliseconds || options.MaxRetryDelayMilliseconds > RedisResilienceDefaults.MaxDelaySettingMilliseconds)
        {
            failures.Add($"{Section}:{nameof(options.MaxRetryDelayMilliseconds)} value '{options.MaxRetryDelayMilliseconds}' is invalid: it must be between {Section}:{nameof(options.RetryDelayMilliseconds)} ({options.RetryDelayMilliseconds}) and {RedisResilienceDefaults.MaxDelaySettingMilliseconds}.");
        }

        // As the standard HTTP resilience handler of Microsoft.Extensions.Http.Resilience requires too: an attempt allowed
        // longer than the whole budget would be cut short by the budget every time. Checked against a valid budget only.
        if (options.AttemptTimeoutMilliseconds < 1 || (totalValid && options.AttemptTimeoutMilliseconds > options.TotalTimeoutSeconds * 1000))
        {
            failures.Add($"{Section}:{nameof(options.AttemptTimeoutMilliseconds)} value '{options.AttemptTimeoutMilliseconds}' is invalid: it must be at least 1 and at most {Section}:{nameof(options.TotalTimeoutSeconds)} ({options.TotalTimeoutSeconds} s) in milliseconds.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
