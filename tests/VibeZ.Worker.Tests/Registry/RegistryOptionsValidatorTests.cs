using VibeZ.Worker.Registry;

namespace VibeZ.Worker.Tests.Registry;

/// <summary>The registry cleanup's interval: a bad value is refused at start, naming the setting and the value.</summary>
public sealed class RegistryOptionsValidatorTests
{
    [Fact]
    public void TheDefaultsAreValid() =>
        Assert.True(new RegistryOptionsValidator().Validate(null, new RegistryOptions()).Succeeded);

    [Theory]
    [InlineData(0.1)]
    [InlineData(3600)]
    public void TheBoundsThemselvesAreValid(double seconds) =>
        Assert.True(new RegistryOptionsValidator().Validate(null, new RegistryOptions { CleanupIntervalSeconds = seconds }).Succeeded);

    [Theory]
    [InlineData(0.05, "0.05")]
    [InlineData(3601, "3601")]
    [InlineData(double.NaN, "NaN")]
    public void AnIntervalOutOfRangeIsRefusedNamingTheSettingAndValue(double seconds, string written)
    {
        var result = new RegistryOptionsValidator().Validate(null, new RegistryOptions { CleanupIntervalSeconds = seconds });

        Assert.Equal([$"Registry:CleanupIntervalSeconds value '{written}' is invalid: it must be from 0.1 to 3600."], result.Failures);
    }
}
