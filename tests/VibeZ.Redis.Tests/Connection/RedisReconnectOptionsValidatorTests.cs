using VibeZ.Redis.Connection;

namespace VibeZ.Redis.Tests.Connection;

public sealed class RedisReconnectOptionsValidatorTests
{
    [Fact]
    public void ValidateDefaultsSucceeds()
    {
        Assert.True(new RedisReconnectOptionsValidator().Validate(null, new RedisReconnectOptions()).Succeeded);
    }

    [Fact]
    public void ValidateBadValuesNamesTheSettingsAndTheValues()
    {
        var result = new RedisReconnectOptionsValidator().Validate(null, new RedisReconnectOptions { BaseDelayMilliseconds = 0, MaxDelayMilliseconds = -5 });

        Assert.Equal(
            [
                "Redis:Reconnect:BaseDelayMilliseconds value '0' is invalid: it must be at least 1.",
                "Redis:Reconnect:MaxDelayMilliseconds value '-5' is invalid: it must be at least Redis:Reconnect:BaseDelayMilliseconds (0).",
            ],
            result.Failures);
    }
}
