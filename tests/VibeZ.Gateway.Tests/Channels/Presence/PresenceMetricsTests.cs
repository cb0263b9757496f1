using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VibeZ.Channels.Presence;
using VibeZ.Gateway.Presence;
using VibeZ.Gateway.Tests.Channels.Delivery;

namespace VibeZ.Gateway.Tests.Channels.Presence;

/// <summary>The Gateway's presence instruments, read with a MeterListener while subscriptions with presence come and go.</summary>
public sealed class PresenceMetricsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private IMeterFactory MeterFactory => _services.GetRequiredService<IMeterFactory>();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task JoinsAndLeavesAreCountedAndMembersIsWhatTheGatewayHolds()
    {
        using var members = Collect(PresenceMetrics.MembersCounter);
        using var joins = Collect(PresenceMetrics.JoinsCounter);
        using var leaves = Collect(PresenceMetrics.LeavesCounter);
        var metrics = new PresenceMetrics(MeterFactory);
        var presence = new ChannelPresence(new QuietPresenceStore(), metrics, Options.Create(new GatewayOptions()), NullLogger<ChannelPresence>.Instance);
        var (alice, bob) = (new FakeSubscriber("alice"), new FakeSubscriber("bob"));

        await presence.JoinAsync("room-1", alice, Member("alice"), TestContext.Current.CancellationToken);
        await presence.JoinAsync("room-2", alice, Member("alice"), TestContext.Current.CancellationToken);
        await presence.JoinAsync("room-1", bob, Member("bob"), TestContext.Current.CancellationToken);
        await presence.LeaveAsync("room-1", alice);
        await presence.LeaveAsync("room-1", alice); // Not there any more: no second leave.

        Assert.Equal((3L, 1L, 2L), (Sum(joins), Sum(leaves), Sum(members)));
        Assert.Equal(presence.MemberCount, Sum(members));
    }

    [Fact]
    public void ExpiredMembersDroppedByAHeartbeatAreCountedAndAnEmptyHeartbeatAddsNothing()
    {
        using var expired = Collect(PresenceMetrics.ExpiredCounter);
        var metrics = new PresenceMetrics(MeterFactory);

        metrics.Expired(0);
        metrics.Expired(3);

        Assert.Equal([3L], expired.GetMeasurementSnapshot().Select(m => m.Value));
    }

    private MetricCollector<long> Collect(string instrument) => new(MeterFactory, PresenceMetrics.MeterName, instrument);

    private static long Sum(MetricCollector<long> collector) => collector.GetMeasurementSnapshot().Sum(m => m.Value);

    private static PresenceMember Member(string client) => new("node-1", "conn-" + client, client);
}
