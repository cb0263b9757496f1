using Microsoft.Extensions.Options;

namespace VibeZ.ServiceDefaults.Redis;

/// <summary>
/// Stops start-up on a budget or delay that cannot work, naming the setting and the value.
/// </summary>
internal sealed class RedisResilienceOptionsValidator : IValidateOptions<RedisResilienceOptions>
{
    private const string Section = RedisResilienceDefaults.SectionName;

    public ValidateOptionsResult Validate(string? name, RedisResilienceOptions options)
    {
        var failures = new List<string>();

        if (!(options.TotalTimeoutSeconds > 0 && options.TotalTimeoutSeconds <= RedisResilienceDefaults.MaxTotalTimeoutSeconds))
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

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
