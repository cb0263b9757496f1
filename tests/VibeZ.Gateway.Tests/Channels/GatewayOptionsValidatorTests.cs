using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using VibeZ.Gateway.Security.Browser;

namespace VibeZ.Gateway.Tests.Channels;

/// <summary>
/// Each <c>Gateway</c> setting out of range stops start-up with a message naming the setting and the value.
/// (GatewayOptionsValidator sits at the root of VibeZ.Gateway; these tests belong beside the other root tests.)
/// </summary>
public sealed class GatewayOptionsValidatorTests
{
    [Fact]
    public void TheDefaultsAreValid() => Assert.True(Validate().Succeeded);

    [Theory]
    [InlineData("HistoryLength", "0")]
    [InlineData("HistoryLength", "1000001")]
    [InlineData("ChannelTimeToLiveSeconds", "0")]
    [InlineData("ChannelTimeToLiveSeconds", "NaN")]
    [InlineData("DedupeWindowSeconds", "0")]
    [InlineData("DedupeWindowSeconds", "604801")]
    [InlineData("ReplicationTimeoutMilliseconds", "0")]
    [InlineData("ReplicationTimeoutMilliseconds", "60001")]
    [InlineData("MaxMessageBytes", "255")]
    [InlineData("SendQueueBytes", "0")]
    [InlineData("WriteTimeoutSeconds", "0")]
    [InlineData("KeepAliveTimeoutSeconds", "-1")]
    [InlineData("MaxInvalidFrames", "-1")]
    [InlineData("ResyncIntervalSeconds", "0")]
    [InlineData("ResyncIntervalSeconds", "3601")]
    [InlineData("MaxHistoryPageSize", "0")]
    [InlineData("MaxHistoryPageSize", "100001")]
    [InlineData("MaxHistoryPageBytes", "1023")]
    [InlineData("MaxConcurrentHistoryReads", "0")]
    [InlineData("MaxPublishesInFlight", "0")]
    [InlineData("MaxChannelsPerConnection", "0")]
    [InlineData("CommandsPerSecond", "0")]
    [InlineData("CommandBurst", "0")]
    [InlineData("MaxConnectionsPerIp", "0")]
    [InlineData("MaxConnections", "0")]
    [InlineData("MaxHttpConnections", "0")]
    [InlineData("MaxHttpConnections", "1000001")]
    [InlineData("HttpRequestsPerSecondPerIp", "0")]
    [InlineData("HttpRequestBurstPerIp", "0")]
    [InlineData("MaxKnownChannels", "0")]
    [InlineData("MaxKnownChannels", "10000001")]
    [InlineData("RequestHeadersTimeoutSeconds", "0")]
    [InlineData("RequestHeadersTimeoutSeconds", "3601")]
    [InlineData("MaxChannelHistoryBytes", "100")]
    public void AnOutOfRangeSettingIsNamedWithItsValue(string setting, string value)
    {
        var result = Validate((setting, value));

        Assert.True(result.Failed, $"Gateway:{setting}={value} was accepted");
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith($"Gateway:{setting} value '{value}' is invalid: it must be from ", failure);
    }

    [Fact]
    public void AHistoryPageThatCannotHoldTheLargestMessageNamesBothSettings()
    {
        var result = Validate(("MaxHistoryPageBytes", "65536"));

        var failure = Assert.Single(result.Failures!);
        Assert.Equal("Gateway:MaxHistoryPageBytes is 65536; it must be at least Gateway:MaxMessageBytes (65536) + 4096 = 69632, so that a page holds the largest message.", failure);
        Assert.True(Validate(("MaxHistoryPageBytes", "69632")).Succeeded, "a page of exactly one largest message is enough");
    }

    [Fact]
    public void AChannelThatCouldHoldMoreThanMaxChannelHistoryBytesNamesAllThreeSettings()
    {
        var result = Validate(("MaxMessageBytes", "1048576"), ("HistoryLength", "1000"), ("MaxHistoryPageBytes", "2097152"));

        var failure = Assert.Single(result.Failures!);
        Assert.Equal(
            "Gateway:MaxMessageBytes (1048576) × Gateway:HistoryLength (1000) is 1048576000 bytes, more than Gateway:MaxChannelHistoryBytes (65536000) " +
            "one channel may hold; lower one of the first two or raise the third.", failure);
        Assert.True(Validate(("MaxMessageBytes", "1048576"), ("HistoryLength", "62"), ("MaxHistoryPageBytes", "2097152")).Succeeded, "1 MiB × 62 fits in the default");
    }

    [Fact]
    public void AnUndefinedDurabilityIsNamedWithItsValue()
    {
        var result = Validate(("Durability", "7"));

        var failure = Assert.Single(result.Failures!);
        Assert.Equal("Gateway:Durability is '7'; use Replicated or Leader.", failure);
    }

    [Fact]
    public void EveryBadSettingIsReportedNotJustTheFirst()
    {
        var result = Validate(("HistoryLength", "0"), ("MaxMessageBytes", "1"), ("Durability", "9"));

        Assert.Collection(
            result.Failures!,
            f => Assert.Equal("Gateway:HistoryLength value '0' is invalid: it must be from 1 to 1000000.", f),
            f => Assert.Equal("Gateway:MaxMessageBytes value '1' is invalid: it must be from 256 to 16777216.", f),
            f => Assert.StartsWith("Gateway:Durability is '9';", f));
    }

    [Fact]
    public void TheBoundsThemselvesAreValid()
    {
        var result = Validate(
            ("HistoryLength", "1"),
            ("ChannelTimeToLiveSeconds", "1"),
            ("DedupeWindowSeconds", "604800"),
            ("ReplicationTimeoutMilliseconds", "60000"),
            ("MaxMessageBytes", "256"),
            ("SendQueueBytes", "1024"),
            ("MaxInvalidFrames", "0"),
            ("ResyncIntervalSeconds", "0.1"),
            ("MaxHistoryPageSize", "100000"),
            ("MaxPublishesInFlight", "1"),
            ("Durability", "Leader"));

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void AnAllowedOriginThatIsNotAnOriginIsQuoted()
    {
        var result = Validate(("AllowedOrigins:0", "https://app.example.com"), ("AllowedOrigins:1", "*"), ("AllowedOrigins:2", "https://app.example.com/page"));

        var failure = Assert.Single(result.Failures!);
        Assert.Equal("Gateway:AllowedOrigins holds 'https://app.example.com/page'; an origin is scheme, host and port only, like https://app.example.com, or * for any.", failure);
    }

    /// <summary>
    /// Binds the settings as <c>Gateway:*</c> configuration keys, the way the Gateway does, and validates them with the
    /// validators the Gateway registers for them, except the one that compares with <c>Redis:Resilience</c>.
    /// </summary>
    private static ValidateOptionsResult Validate(params (string Setting, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create<string, string?>($"Gateway:{s.Setting}", s.Value)))
            .Build();
        var options = new GatewayOptions();
        configuration.GetSection("Gateway").Bind(options);
        IValidateOptions<GatewayOptions>[] validators = [new GatewayOptionsValidator(), new GatewayAllowedOriginsValidator()];
        var failures = validators.SelectMany(v => v.Validate(null, options).Failures ?? []).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
