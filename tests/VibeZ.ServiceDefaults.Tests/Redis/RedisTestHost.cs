using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VibeZ.ServiceDefaults.Redis;

namespace VibeZ.ServiceDefaults.Tests.Redis;

internal static class RedisTestHost
{
    /// <summary>A host with only <c>AddVibeZRedis</c> and fake logging; reads no environment variables.</summary>
    public static IHost Build(params (string Key, string? Value)[] configuration)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "VibeZ.ServiceDefaults.Tests",
            EnvironmentName = Environments.Development,
        });
        builder.Configuration.AddInMemoryCollection(configuration.Select(pair => new KeyValuePair<string, string?>(pair.Key, pair.Value)));
        builder.Logging.AddFakeLogging();
        builder.AddVibeZRedis();
        return builder.Build();
    }
}
