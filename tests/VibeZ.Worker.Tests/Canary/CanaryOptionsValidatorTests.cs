using VibeZ.Worker.Canary;

namespace VibeZ.Worker.Tests.Canary;

public sealed class CanaryOptionsValidatorTests
{
    [Fact]
    public void ADisabledCanaryNeedsNoSettings() =>
        Assert.True(new CanaryOptionsValidator().Validate(null, new CanaryOptions()).Succeeded);

    [Fact]
    public void AnEnabledCanaryWithBadSettingsIsRefusedNamingEachSettingAndValue()
    {
        var result = new CanaryOptionsValidator().Validate(null, new CanaryOptions
        {
            Enabled = true,
            PublishVia = new Uri("http://127.0.0.1:1/ws"),
            IntervalSeconds = 0,
            Channel = " ",
        });

        Assert.True(result.Failed);
        Assert.Contains("Canary:PublishVia must be an absolute ws:// or wss:// address of a Gateway's /ws; got 'http://127.0.0.1:1/ws'.", result.Failures!);
        Assert.Contains("Canary:ReceiveVia must be an absolute ws:// or wss:// address of a Gateway's /ws; got ''.", result.Failures!);
        Assert.Contains("Canary:IntervalSeconds value '0' is invalid: it must be from 0.1 to 3600.", result.Failures!);
        Assert.Contains("Canary:Channel must name a channel; got an empty value.", result.Failures!);
        Assert.Contains(result.Failures!, f => f.StartsWith("Canary:SigningKey is required", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0.09)]
    [InlineData(3601)]
    public void AnIntervalOutOfRangeIsRefusedEvenWhileTheCanaryIsOff(double seconds)
    {
        var result = new CanaryOptionsValidator().Validate(null, new CanaryOptions { IntervalSeconds = seconds });

        Assert.True(result.Failed);
        Assert.Equal([FormattableString.Invariant($"Canary:IntervalSeconds value '{seconds}' is invalid: it must be from 0.1 to 3600.")], result.Failures);
    }

    [Fact]
    public void AnEnabledCanaryWithGoodSettingsPasses() =>
        Assert.True(new CanaryOptionsValidator().Validate(null, new CanaryOptions
        {
            Enabled = true,
            PublishVia = new Uri("ws://127.0.0.1:1/ws"),
            ReceiveVia = new Uri("ws://127.0.0.1:2/ws"),
            SigningKey = "k",
        }).Succeeded);
}
