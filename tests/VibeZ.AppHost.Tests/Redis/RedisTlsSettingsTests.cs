using Microsoft.Extensions.Configuration;

namespace VibeZ.AppHost.Tests.Redis;

/// <summary><c>VibeZ:Redis:Tls</c> as a setting: a bad value stops the AppHost naming it; every runtime takes TLS.</summary>
public class RedisTlsSettingsTests
{
    [Fact]
    public void ATlsValueThatIsNotABoolIsRefusedNamingIt()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read(("VibeZ:Redis:Tls", "yes")));

        Assert.Contains("VibeZ:Redis:Tls is 'yes', which is not 'true' or 'false'.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("container")]
    [InlineData("process")]
    public void TlsIsAcceptedOnEveryRuntime(string runtime)
    {
        var settings = Read(("VibeZ:Redis:Tls", "true"), ("VibeZ:Redis:Runtime", runtime));

        Assert.True(settings.Tls);
    }

    private static RedisTopologySettings Read(params (string Key, string Value)[] values) =>
        RedisTopologySettings.Read(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build());
}
