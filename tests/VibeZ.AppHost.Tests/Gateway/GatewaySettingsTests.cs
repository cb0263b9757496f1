using Microsoft.Extensions.Configuration;
using VibeZ.AppHost.Gateway;

namespace VibeZ.AppHost.Tests.Gateway;

public class GatewaySettingsTests
{
    [Fact]
    public void NothingConfiguredGivesTwoReplicasBehindPort8080() =>
        Assert.Equal(new GatewaySettings { Port = 8080, Replicas = 2 }, Read());

    [Fact]
    public void OneReplicaIsEnough() =>
        Assert.Equal(1, Read(("Replicas", "1")).Replicas);

    [Theory]
    [InlineData("Replicas", "0", "VibeZ:Gateway:Replicas is 0; at least one Gateway must run (the default is 2).")]
    [InlineData("Replicas", "-1", "VibeZ:Gateway:Replicas is -1; at least one Gateway must run (the default is 2).")]
    [InlineData("Replicas", "two", "VibeZ:Gateway:Replicas is 'two', which is not a whole number.")]
    [InlineData("Port", "0", "VibeZ:Gateway:Port is 0, outside 1–65535.")]
    [InlineData("Port", "65536", "VibeZ:Gateway:Port is 65536, outside 1–65535.")]
    [InlineData("Port", "80x", "VibeZ:Gateway:Port is '80x', which is not a whole number.")]
    public void BadSettingsAreRefusedWithAMessageThatNamesThem(string key, string value, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read((key, value)));

        Assert.Equal($"The Gateway is misconfigured: {expected}", error.Message);
    }

    [Fact]
    public void EveryBadSettingIsNamedAtOnce()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read(("Port", "-5"), ("Replicas", "0")));

        Assert.Contains("VibeZ:Gateway:Port is -5", error.Message);
        Assert.Contains("VibeZ:Gateway:Replicas is 0", error.Message);
    }

    private static GatewaySettings Read(params (string Key, string Value)[] values) =>
        GatewaySettings.Read(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>($"VibeZ:Gateway:{v.Key}", v.Value)))
            .Build());
}
