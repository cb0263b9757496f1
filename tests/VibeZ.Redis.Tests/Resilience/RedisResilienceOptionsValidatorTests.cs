using VibeZ.Redis.Resilience;

namespace VibeZ.Redis.Tests.Resilience;

/// <summary><c>Redis:Resilience</c>: a budget or delay that cannot work is refused, naming the setting and the value.</summary>
public sealed class RedisResilienceOptionsValidatorTests
{
    [Fact]
    public void ValidateDefaultsSucceeds()
    {
        Assert.True(Validate(new RedisResilienceOptions()).Succeeded);
    }

    [Theory]
    [InlineData(0, "Redis:Resilience:TotalTimeoutSeconds value '0' is invalid: it must be greater than 0 and at most 300.")]
    [InlineData(300.5, "Redis:Resilience:TotalTimeoutSeconds value '300.5' is invalid: it must be greater than 0 and at most 300.")]
    [InlineData(double.NaN, "Redis:Resilience:TotalTimeoutSeconds value 'NaN' is invalid: it must be greater than 0 and at most 300.")]
    public void ValidateTotalTimeoutOutOfRangeNamesTheSettingAndTheValue(double seconds, string expected)
    {
        var result = Validate(new RedisResilienceOptions { TotalTimeoutSeconds = seconds });

        Assert.Equal([expected], result.Failures);
    }

    [Fact]
    public void ValidateBoundsThemselvesSucceed()
    {
        Assert.True(Validate(new RedisResilienceOptions { TotalTimeoutSeconds = 300, RetryDelayMilliseconds = 1, MaxRetryDelayMilliseconds = 60_000 }).Succeeded);
        Assert.True(Validate(new RedisResilienceOptions { TotalTimeoutSeconds = 2, AttemptTimeoutMilliseconds = 2000 }).Succeeded);
    }

    [Fact]
    public void ValidateRetryDelayOutOfRangeNamesTheSettingAndTheValue()
    {
        var result = Validate(new RedisResilienceOptions { RetryDelayMilliseconds = 60_001, MaxRetryDelayMilliseconds = 60_000 });

        Assert.Equal(
            [
                "Redis:Resilience:RetryDelayMilliseconds value '60001' is invalid: it must be from 1 to 60000.",
                "Redis:Resilience:MaxRetryDelayMilliseconds value '60000' is invalid: it must be between Redis:Resilience:RetryDelayMilliseconds (60001) and 60000.",
            ],
            result.Failures);
    }

    [Fact]
    public void ValidateMaxRetryDelayBelowTheFirstDelayNamesBothSettings()
    {
        var result = Validate(new RedisResilienceOptions { RetryDelayMilliseconds = 100, MaxRetryDelayMilliseconds = 99 });

        Assert.Equal(
            ["Redis:Resilience:MaxRetryDelayMilliseconds value '99' is invalid: it must be between Redis:Resilience:RetryDelayMilliseconds (100) and 60000."],
            result.Failures);
    }

    [Fact]
    public void ValidateAttemptLongerThanABadBudgetIsReportedOnceByTheBudget()
    {
        var result = Validate(new RedisResilienceOptions { TotalTimeoutSeconds = 0, AttemptTimeoutMilliseconds = 5000 });

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Redis:Resilience:TotalTimeoutSeconds value '0' is invalid", failure);
    }

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(RedisResilienceOptions options) =>
        new RedisResilienceOptionsValidator().Validate(null, options);
}
