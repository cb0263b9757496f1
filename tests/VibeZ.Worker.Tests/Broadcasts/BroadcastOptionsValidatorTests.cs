using VibeZ.Channels.Broadcasts;

namespace VibeZ.Worker.Tests.Broadcasts;

/// <summary>The Worker's broadcast settings: a bad value is refused at start, naming the setting and the value.</summary>
public sealed class BroadcastOptionsValidatorTests
{
    [Fact]
    public void TheDefaultsAreValid() =>
        Assert.True(new BroadcastOptionsValidator().Validate(null, new BroadcastOptions()).Succeeded);

    [Fact]
    public void BadAttemptLagAndDeadLetterSettingsAreRefusedNamingEachSettingAndValue()
    {
        var result = new BroadcastOptionsValidator().Validate(
            null, new BroadcastOptions { MaxAttempts = 0, LagDegradedSeconds = double.NaN, DeadLetterMaxLength = 0 });

        Assert.True(result.Failed);
        Assert.Contains("Broadcasts:MaxAttempts value '0' is invalid: it must be from 1 to 1000.", result.Failures!);
        Assert.Contains("Broadcasts:LagDegradedSeconds value 'NaN' is invalid: it must be from 1 to 315360000.", result.Failures!);
        Assert.Contains("Broadcasts:DeadLetterMaxLength value '0' is invalid: it must be from 1 to 10000000.", result.Failures!);
    }
}
