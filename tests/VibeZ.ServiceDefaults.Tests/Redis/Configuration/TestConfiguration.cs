using Microsoft.Extensions.Configuration;

namespace VibeZ.ServiceDefaults.Tests.Redis.Configuration;

internal static class TestConfiguration
{
    public static IConfiguration From(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(pair => new KeyValuePair<string, string?>(pair.Key, pair.Value)))
            .Build();
}
