using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using VibeZ.Channels.Delivery;
using VibeZ.Channels.Presence;
using VibeZ.Channels.Storage;
using VibeZ.Gateway.Connections;

namespace VibeZ.Gateway.Presence;

/// <summary>
/// Every <c>Gateway:PresenceHeartbeatSeconds</c>, one pipeline for the whole Gateway: its presence members, refreshed
/// (and other Gateways' expired ones dropped, with a <c>leave</c>), and its registry entry. On a clean stop the entry
/// is withdrawn at once; a killed Gateway's entries expire with their TTL.
/// </summary>
internal sealed class PresenceHeartbeat(
    IPresenceStore store,
    ChannelPresence presence,
    PresenceMetrics metrics,
    ChannelHub hub,
    ConnectionLimiter connections,
    GatewayNode node,
    IServer server,
    IOptions<GatewayOptions> options,
    TimeProvider timeProvider,
    ILogger<PresenceHeartbeat> logger) : BackgroundService
{
    private bool _failing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.PresenceHeartbeat;
        using var timer = new PeriodicTimer(interval, timeProvider);
        do
        {
            await BeatAsync(interval, stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await store.WithdrawAsync(node.Id, cancellationToken);
        }
        catch (ChannelStoreException)
        {
            // The entry expires with its TTL, and a Worker removes it from the index.
        }
    }

    private async Task BeatAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? string.Empty;
        var announcement = new GatewayAnnouncement(node.Id, address, connections.Count, hub.ChannelCount, presence.MemberCount);
        try
        {
            var expired = await presence.Heartbeat(members => store.HeartbeatAsync(members, announcement, stoppingToken)).WaitAsync(interval, stoppingToken);
            metrics.Expired(expired);
            if (_failing)
            {
                _failing = false;
                PresenceLog.HeartbeatRecovered(logger);
            }
        }
        catch (Exception ex) when (ex is ChannelStoreException or TimeoutException)
        {
            // Logged once per outage; the next tick tries again, and re-adds whatever Redis lost meanwhile.
            if (!_failing)
            {
                _failing = true;
                PresenceLog.HeartbeatFailed(logger, interval.TotalSeconds, ex.Message);
            }
        }
    }
}
