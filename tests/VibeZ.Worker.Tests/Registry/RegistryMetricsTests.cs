using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using VibeZ.Channels;
using VibeZ.Channels.Presence;
using VibeZ.Redis.Configuration;
using VibeZ.Worker.Registry;

namespace VibeZ.Worker.Tests.Registry;

/// <summary>
/// The registry cleanup in-process on a real redis-server, with the real presence store: a Gateway whose clock ran an
/// hour behind wrote entries that had already expired, a live one wrote fresh ones. The live heartbeat drops the dead
/// member, and the cleanup's metrics, read with a MeterListener, count one Gateway alive and one removed.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RegistryMetricsTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task TheCleanupReportsGatewaysAliveAndDeadOnesRemovedAndAHeartbeatCountsExpiredMembers()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Port},password={redis.Password}");
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        var live = Store(connection, TimeProvider.System);
        var dead = Store(connection, new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-1)));
        var channel = $"room-{Guid.NewGuid():N}";
        var (liveNode, deadNode) = ($"live-{Guid.NewGuid():N}", $"dead-{Guid.NewGuid():N}");

        Assert.Equal(0, await dead.HeartbeatAsync([Members(channel, deadNode)], Announcement(deadNode), Ct));
        Assert.Equal(1, await live.HeartbeatAsync([Members(channel, liveNode)], Announcement(liveNode), Ct));

        using var alive = new MetricCollector<long>(meterFactory, RegistryMetrics.MeterName, RegistryMetrics.GatewaysGauge);
        using var removed = new MetricCollector<long>(meterFactory, RegistryMetrics.MeterName, RegistryMetrics.RemovedCounter);
        using var cleanup = new GatewayRegistryCleanup(
            Options.Create(new RegistryOptions { CleanupIntervalSeconds = 0.1 }), live, new RegistryMetrics(meterFactory), connection,
            TimeProvider.System, NullLogger<GatewayRegistryCleanup>.Instance);
        await cleanup.StartAsync(Ct);
        try
        {
            await TestWait.Until(() =>
            {
                alive.RecordObservableInstruments();
                var seen = $"alive {alive.LastMeasurement?.Value.ToString() ?? "none"}, removed {removed.GetMeasurementSnapshot().Sum(m => m.Value)}";
                return Task.FromResult((alive.LastMeasurement?.Value == 1 && removed.GetMeasurementSnapshot().Sum(m => m.Value) == 1, seen));
            }, "the cleanup to report one Gateway alive and one removed");
        }
        finally
        {
            await cleanup.StopAsync(CancellationToken.None);
        }

        Assert.NotNull(await connection.GetDatabase().SortedSetRankAsync(PresenceKeys.Index, liveNode));
        Assert.Null(await connection.GetDatabase().SortedSetRankAsync(PresenceKeys.Index, deadNode));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static KeyValuePair<string, PresenceMember[]> Members(string channel, string node) =>
        KeyValuePair.Create(channel, new[] { new PresenceMember(node, "conn-1", "client-" + node) });

    private static GatewayAnnouncement Announcement(string node) => new(node, "http://127.0.0.1:1", 1, 1, 1);

    private static RedisPresenceStore Store(IConnectionMultiplexer connection, TimeProvider clock) => new(
        connection,
        new DirectRedisResilience(connection),
        new RedisConnectionSettings { Mode = RedisMode.Single, EndPoints = [new IPEndPoint(IPAddress.Loopback, 6379)] },
        Options.Create(new GatewayOptions()),
        clock);
}
