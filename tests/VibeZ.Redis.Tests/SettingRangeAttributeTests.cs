using Microsoft.Extensions.Options;

namespace VibeZ.Redis.Tests;

/// <summary>
/// The message a <see cref="SettingRangeAttribute"/> gives through a validator <c>[OptionsValidator]</c> generates: the
/// configuration key, the value as written in configuration, and the bound, in each of its forms.
/// </summary>
public sealed partial class SettingRangeAttributeTests
{
    [Fact]
    public void ValuesInRangePass() =>
        Assert.True(new SampleOptionsValidator().Validate(null, new SampleOptions()).Succeeded);

    [Fact]
    public void EachFormOfBoundIsWrittenOutWithTheKeyAndTheValue()
    {
        var result = new SampleOptionsValidator().Validate(null, new SampleOptions
        {
            Count = 0,
            Bytes = (1L << 40) + 1,
            Ratio = 0,
            Seconds = double.NaN,
            Step = 0.5,
        });

        Assert.Equal(
            [
                "Sample:Count value '0' is invalid: it must be at least 1.",
                "Sample:Bytes value '1099511627777' is invalid: it must be from 256 to 1099511627776.",
                "Sample:Ratio value '0' is invalid: it must be greater than 0.",
                "Sample:Seconds value 'NaN' is invalid: it must be greater than 0 and at most 300.",
                "Sample:Step value '0.5' is invalid: it must be from 1.5 to 2.5.",
            ],
            result.Failures);
    }

    [Fact]
    public void TheBoundsThemselvesFollowMinimumIsExclusive()
    {
        var validator = new SampleOptionsValidator();

        Assert.True(validator.Validate(null, new SampleOptions { Count = 1, Bytes = 256, Seconds = 300, Step = 2.5 }).Succeeded);
        Assert.False(validator.Validate(null, new SampleOptions { Seconds = 0 }).Succeeded);
    }

    public sealed class SampleOptions
    {
        [SettingRange("Sample", 1)]
        public int Count { get; set; } = 1;

        [SettingRange("Sample", 256, 1L << 40)]
        public long Bytes { get; set; } = 256;

        [SettingRange("Sample", 0, MinimumIsExclusive = true)]
        public double Ratio { get; set; } = 1;

        [SettingRange("Sample", 0, 300, MinimumIsExclusive = true)]
        public double Seconds { get; set; } = 1;

        [SettingRange("Sample", 1.5, 2.5)]
        public double Step { get; set; } = 2;
    }

    [OptionsValidator]
    internal sealed partial class SampleOptionsValidator : IValidateOptions<SampleOptions>;
}
