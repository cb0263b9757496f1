using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using VibeZ.Channels.Presence;
using VibeZ.Gateway.Presence;
using VibeZ.Gateway.Tests.Channels.Delivery;
using VibeZ.Gateway.Tests.Integration;

namespace VibeZ.Gateway.Tests.Channels.Presence;

/// <summary>
/// The expiry path end to end: a real Gateway process holding a member with presence is killed with SIGKILL; its entry
/// expires in Redis, and the surviving Gateway's heartbeat (the real <see cref="PresenceHeartbeat"/>, wired by
/// <c>AddServiceDefaults</c> and <c>AddGateway</c> in a host in this process) drops it, announces the <c>leave</c>, and
/// feeds the count into <c>vibez.presence.expired</c>, read with a MeterListener.
/// </summary>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed class PresenceHeartbeatTests
{
    private const string Channel = "room-expiry";
    private const double HeartbeatSeconds = 0.5;

    // An entry lives three heartbeats; the survivor drops it at its first heartbeat after that. The slack is for a
    // loaded machine, not part of the bound (PresenceTests measures the bound itself).
    private static readonly TimeSpan ExpiryTimeout = TimeSpan.FromSeconds(HeartbeatSeconds * 4) + TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AKilledGatewaysMemberExpiresAndTheSurvivorsHeartbeatCountsItInPresenceExpired()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        (string Key, string? Value)[] settings =
        [
            ("REDIS_MODE", "single"), ("REDIS_URL", $"redis://127.0.0.1:{redis.Port}"), ("REDIS_PASSWORD", redis.Password),
            ("Gateway__PresenceHeartbeatSeconds", HeartbeatSeconds.ToString(CultureInfo.InvariantCulture)),
        ];
        await using var doomed = await GatewayProcess.StartAsync(settings);

        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key.Replace("__", ":", StringComparison.Ordinal), s.Value)));
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddServiceDefaults();
        builder.AddGateway();
        await using var survivor = builder.Build();
        using var expired = new MetricCollector<long>(survivor.Services.GetRequiredService<IMeterFactory>(), PresenceMetrics.MeterName, PresenceMetrics.ExpiredCounter);
        await survivor.StartAsync(cancellation);
        try
        {
            var alice = new FakeSubscriber("alice");
            var node = survivor.Services.GetRequiredService<GatewayNode>().Id;
            await survivor.Services.GetRequiredService<ChannelPresence>().JoinAsync(Channel, alice, new PresenceMember(node, "conn-alice", "alice"), cancellation);

            var bob = await GatewayClient.ConnectAsync(doomed, "bob", doomed.MintToken(subject: "bob"));
            await PresenceTests.SubscribeWithPresenceAsync(bob, Channel, "bob");
            await alice.WaitUntilAsync(_ => alice.Frames.Any(f => IsPresence(f, "join", "bob")), "bob's join, written by the other Gateway");
            Assert.Empty(expired.GetMeasurementSnapshot());

            await doomed.KillAsync();
            bob.Abort();
            await TestWait.Until(
                () => Task.FromResult((Sum(expired) >= 1, $"vibez.presence.expired {Sum(expired)}; alice's frames: {string.Join(", ", alice.Frames.Select(f => f.ToJsonString()))}")),
                $"the survivor's heartbeat to count bob's expired member\n--- killed gateway ---\n{doomed.Output}",
                ExpiryTimeout);

            await alice.WaitUntilAsync(_ => alice.Frames.Any(f => IsPresence(f, "leave", "bob")), "bob's leave, announced by the survivor's heartbeat");
            Assert.Equal(1, Sum(expired));
            var members = await RedisCli.RunAsync(redis.Port, redis.Password, "ZRANGE", $"vibez:{{{Channel}}}:presence", "0", "-1");
            Assert.Equal([new PresenceMember(node, "conn-alice", "alice").ToString()], members.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            await bob.DisposeAsync();
        }
        finally
        {
            await survivor.StopAsync(CancellationToken.None);
        }
    }

    private static long Sum(MetricCollector<long> collector) => collector.GetMeasurementSnapshot().Sum(m => m.Value);

    private static bool IsPresence(JsonObject frame, string type, string client) =>
        (string?)frame["type"] == type && (string?)frame["client"] == client;
}
