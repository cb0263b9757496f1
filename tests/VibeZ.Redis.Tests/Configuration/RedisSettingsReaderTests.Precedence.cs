using System.Net;
using VibeZ.Redis.Configuration;

namespace VibeZ.Redis.Tests.Configuration;

/// <summary>Which of <c>REDIS_X</c> and <c>Redis:X</c> is read, and which one an error names, when both are present.</summary>
public sealed partial class RedisSettingsReaderTests
{
    [Fact]
    public void ABlankVariableDoesNotHideASectionKeyWithAValue()
    {
        var settings = RedisSettingsReader.Read(TestConfiguration.From(
            ("REDIS_MODE", " "), ("Redis:Mode", "sentinel"), ("REDIS_SENTINELS", ""), ("Redis:Sentinels", "s1:26379"),
            ("REDIS_SENTINEL_NAME", ""), ("Redis:SentinelName", "fromsection")));

        Assert.Equal(RedisMode.Sentinel, settings.Mode);
        Assert.Equal([new DnsEndPoint("s1", 26379)], settings.EndPoints);
        Assert.Equal("fromsection", settings.SentinelServiceName);
    }

    [Fact]
    public void AnErrorNamesTheVariableWhenItWonOverTheSection()
    {
        var ex = Assert.Throws<RedisConfigurationException>(() => RedisSettingsReader.Read(TestConfiguration.From(
            ("Redis:Url", "redis://section:1"), ("REDIS_URL", "http://variable:2"))));

        Assert.Equal("REDIS_URL", ex.Setting);
        Assert.StartsWith("REDIS_URL value 'http://variable:2' is invalid", ex.Message);
    }

    [Fact]
    public void AnErrorNamesTheSectionKeyWhenTheVariableWasBlank()
    {
        var ex = Assert.Throws<RedisConfigurationException>(() => RedisSettingsReader.Read(TestConfiguration.From(
            ("REDIS_URL", "  "), ("Redis:Url", "http://section:1"))));

        Assert.Equal("Redis:Url", ex.Setting);
        Assert.StartsWith("Redis:Url value 'http://section:1' is invalid", ex.Message);
    }

    [Theory]
    [InlineData("", " ", "REDIS_SENTINELS", "")]
    [InlineData(null, " ", "Redis:Sentinels", " ")]
    [InlineData(" ", null, "REDIS_SENTINELS", " ")]
    public void BlankNodesNameTheKeyTheBlankCameFrom(string? variable, string? section, string setting, string value)
    {
        var ex = Assert.Throws<RedisConfigurationException>(() => RedisSettingsReader.Read(TestConfiguration.From(
            ("REDIS_MODE", "sentinel"), ("REDIS_SENTINELS", variable), ("Redis:Sentinels", section))));

        Assert.Equal(setting, ex.Setting);
        Assert.Equal(
            $"{setting} is required when REDIS_MODE is 'sentinel', but it is '{value}'; list host:port pairs separated by commas.", ex.Message);
    }
}
