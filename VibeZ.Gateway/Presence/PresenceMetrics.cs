using System.Diagnostics.Metrics;

namespace VibeZ.Gateway.Presence;

/// <summary>
/// This Gateway's presence instruments (meter <c>VibeZ.Gateway.Presence</c>), made through <see cref="IMeterFactory"/>
/// so each host (and each test) has its own. No instrument is tagged by channel: channels are unbounded, and a metric
/// per channel would be too; <c>GET /api/channels/{c}/presence</c> answers for one channel.
/// </summary>
internal sealed class PresenceMetrics
{
    public const string MeterName = "VibeZ.Gateway.Presence";

    public const string MembersCounter = "vibez.presence.members";

    public const string JoinsCounter = "vibez.presence.joins";

    public const string LeavesCounter = "vibez.presence.leaves";

    public const string ExpiredCounter = "vibez.presence.expired";

    private readonly UpDownCounter<long> _members;
    private readonly Counter<long> _joins;
    private readonly Counter<long> _leaves;
    private readonly Counter<long> _expired;

    public PresenceMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);

        // An up-down counter moved at each join and leave rather than a gauge that reads the members: it needs no lock
        // taken on every collection, and it says the same.
        _members = meter.CreateUpDownCounter<long>(MembersCounter, "{member}", "Subscriptions with presence this Gateway holds.");
        _joins = meter.CreateCounter<long>(JoinsCounter, "{member}", "Subscriptions with presence added on this Gateway.");
        _leaves = meter.CreateCounter<long>(LeavesCounter, "{member}", "Subscriptions with presence removed on this Gateway.");
        _expired = meter.CreateCounter<long>(
            ExpiredCounter, "{member}", "Expired members of Gateways that died, dropped (with a leave) by this Gateway's heartbeat.");
    }

    public void Joined()
    {
        _joins.Add(1);
        _members.Add(1);
    }

    public void Left()
    {
        _leaves.Add(1);
        _members.Add(-1);
    }

    public void Expired(long count)
    {
        if (count > 0)
        {
            _expired.Add(count);
        }
    }
}
