using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VibeZ.Redis.Connection;

namespace VibeZ.Redis.Tests;

internal static class RedisTestHost
{
    /// <summary>A host with only <c>AddVibeZRedis</c> and fake logging; reads no environment variables.</summary>
    public static IHost Build(params (string Key, string? Value)[] configuration) => Build(_ => { }, configuration);

    /// <summary>The same host, with more added by <paramref name="configure"/> (e.g. <c>AddVibeZRedisResilience</c>).</summary>
    public static IHost Build(Action<IHostApplicationBuilder> configure, params (string Key, string? Value)[] configuration)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "VibeZ.Redis.Tests",
            EnvironmentName = Environments.Development,
        });
        builder.Configuration.AddInMemoryCollection(configuration.Select(pair => new KeyValuePair<string, string?>(pair.Key, pair.Value)));
        builder.Logging.AddFakeLogging();
        builder.AddVibeZRedis();
        configure(builder);
        return builder.Build();
    }
}
