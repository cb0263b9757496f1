using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VibeZ.Channels.Publishing;
using VibeZ.Channels.Storage;
using VibeZ.Redis.Connection;

namespace VibeZ.Gateway.Tests.Channels.Storage.Contract;

/// <summary>
/// One real redis-server for a test class, and a <see cref="RedisChannelStore"/> on it wired as the Gateway wires it:
/// the shared Redis connection and resilience (VibeZ.Redis), the replication confirmer, the default Gateway options.
/// </summary>
public sealed class RedisChannelStoreFixture : IAsyncLifetime
{
    private readonly RedisServerProcess _redis = new();
    private IHost? _host;

    /// <summary>Gets the store; valid once the fixture is initialized.</summary>
    public IChannelStore Store => _host?.Services.GetRequiredService<IChannelStore>() ?? throw new InvalidOperationException("The fixture is not initialized.");

    public async ValueTask InitializeAsync()
    {
        await _redis.InitializeAsync();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "VibeZ.Gateway.Tests",
            EnvironmentName = Environments.Development,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["REDIS_URL"] = $"redis://127.0.0.1:{_redis.Port}",
            ["REDIS_PASSWORD"] = _redis.Password,
        });
        builder.AddVibeZRedis();
        builder.Services.AddOptions<GatewayOptions>();
        builder.Services.AddSingleton<ReplicationConfirmer>();
        builder.Services.AddSingleton<IChannelStore, RedisChannelStore>();
        _host = builder.Build();
        await _host.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync(CancellationToken.None);
            _host.Dispose();
        }

        await _redis.DisposeAsync();
    }
}
