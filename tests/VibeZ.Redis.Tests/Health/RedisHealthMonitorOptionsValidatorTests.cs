using VibeZ.Redis.Health;

namespace VibeZ.Redis.Tests.Health;

/// <summary><c>Redis:HealthCheckIntervalSeconds</c>: an interval the monitor cannot work with is refused, naming it and the value.</summary>
public sealed class RedisHealthMonitorOptionsValidatorTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(30)]
    [InlineData(3600)]
    public void ValidateIntervalInRangeSucceeds(int seconds)
    {
        Assert.True(new RedisHealthMonitorOptionsValidator().Validate(null, new RedisHealthMonitorOptions { HealthCheckIntervalSeconds = seconds }).Succeeded);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-30)]
    [InlineData(3601)]
    public void ValidateIntervalOutOfRangeNamesTheSettingAndTheValue(int seconds)
    {
        var result = new RedisHealthMonitorOptionsValidator().Validate(null, new RedisHealthMonitorOptions { HealthCheckIntervalSeconds = seconds });

        Assert.Equal([$"Redis:HealthCheckIntervalSeconds value '{seconds}' is invalid: it must be from 1 to 3600."], result.Failures);
    }
}
