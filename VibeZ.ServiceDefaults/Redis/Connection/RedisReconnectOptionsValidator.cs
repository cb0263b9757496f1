using Microsoft.Extensions.Options;
using VibeZ.ServiceDefaults.Redis.Configuration;

namespace VibeZ.ServiceDefaults.Redis.Connection;

/// <summary>Stops start-up with a message naming the setting and its bad value.</summary>
internal sealed class RedisReconnectOptionsValidator : IValidateOptions<RedisReconnectOptions>
{
    private const string BaseKey = RedisDefaults.ReconnectSection + ":" + nameof(RedisReconnectOptions.BaseDelayMilliseconds);
    private const string MaxKey = RedisDefaults.ReconnectSection + ":" + nameof(RedisReconnectOptions.MaxDelayMilliseconds);

    public ValidateOptionsResult Validate(string? name, RedisReconnectOptions options)
    {
        var failures = new List<string>();
        if (options.BaseDelayMilliseconds <= 0)
        {
            failures.Add($"{BaseKey} value '{options.BaseDelayMilliseconds}' is invalid: it must be a positive number of milliseconds.");
        }

        if (options.MaxDelayMilliseconds < options.BaseDelayMilliseconds)
        {
            failures.Add($"{MaxKey} value '{options.MaxDelayMilliseconds}' is invalid: it must be at least {BaseKey} ({options.BaseDelayMilliseconds}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
