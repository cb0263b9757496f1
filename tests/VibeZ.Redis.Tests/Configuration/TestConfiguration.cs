using Microsoft.Extensions.Configuration;
using VibeZ.Redis.Configuration;

namespace VibeZ.Redis.Tests.Configuration;

/// <summary>The configuration a host hands <c>AddVibeZRedis</c>: the values, then <c>REDIS_*</c> mapped onto the <c>Redis</c> section.</summary>
internal static class TestConfiguration
{
    public static IConfiguration From(params (string Key, string? Value)[] values)
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(values.Select(pair => new KeyValuePair<string, string?>(pair.Key, pair.Value)));
        configuration.Sources.Add(new RedisEnvironmentConfigurationSource(configuration));
        return configuration;
    }
}
