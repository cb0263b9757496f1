using Microsoft.Extensions.Configuration;

namespace VibeZ.AppHost.Tests.Redis;

/// <summary><c>VibeZ:Redis:Tls</c> as a setting: a bad value or an unsupported runtime stops the AppHost naming it.</summary>
public class RedisTlsSettingsTests
{
    [Theory]
    [InlineData("yes", "VibeZ:Redis:Tls is 'yes', which is not 'true' or 'false'.")]
    [InlineData("true", "VibeZ:Redis:Tls is true, but VibeZ:Redis:Runtime is 'auto': TLS is done only for local processes so far; set VibeZ:Redis:Runtime=process.")]
    public void BadTlsSettingsAreRefusedNamingThem(string value, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => RedisTopologySettings.Read(new ConfigurationBuilder()
            .AddInMemoryCollection([new("VibeZ:Redis:Tls", value)]).Build()));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
