using VibeZ.Redis.Telemetry;

namespace VibeZ.Redis.Sentinel;

/// <summary>What the sentinels say during a failover: their <c>+switch-master</c>, or their answer when it never came.</summary>
internal sealed partial class RedisSentinelFailoverTracker
{
    private int _askingSentinels;

    // A master the sentinels named on the last poll without a +switch-master for it: acted on only if named again,
    // so an announcement that is merely slower than the poll is not taken for a missed one.
    private string? _unannouncedMaster;

    /// <summary>
    /// Asks the sentinels which master they name while a failover is pending. When they agree on another master than
    /// the one lost, and no <c>+switch-master</c> said so, the announcement was missed (the sentinel subscription was
    /// down when it was sent): the client follows the sentinels' answer as it would have followed the message.
    /// </summary>
    private async Task AskSentinelsAsync()
    {
        if (Interlocked.Exchange(ref _askingSentinels, 1) == 1)
        {
            return;
        }

        try
        {
            if (Volatile.Read(ref _failover) is not { } pending)
            {
                return;
            }

            var named = await masterQuery.NamedMasterAsync();
            if (named is null || named == pending.OldMaster || named == Volatile.Read(ref _sentinelMaster))
            {
                _unannouncedMaster = null;
                return;
            }

            if (_unannouncedMaster != named)
            {
                _unannouncedMaster = named;
                return;
            }

            _unannouncedMaster = null;
            RedisLog.SwitchMasterMissed(_logger, pending.OldMaster, named);
            Volatile.Write(ref _sentinelMaster, named);
            fence.OnSwitch(pending.OldMaster, named);
            CheckFailover();
        }
        catch (Exception ex)
        {
            // A timer callback: an exception here would end up unobserved.
            RedisLog.EventHandlerFailed(_logger, ex);
        }
        finally
        {
            Volatile.Write(ref _askingSentinels, 0);
        }
    }

    /// <summary>
    /// Handles the sentinels' <c>+switch-master</c> (<c>name old-ip old-port new-ip new-port</c>). A crashed master
    /// closes its sockets, but a hung one (a stalled host, <c>DEBUG SLEEP</c>) keeps them open: commands already
    /// written to it would wait for a reply that may never come, and the client would not notice it lost the master.
    /// Breaking those connections fails them at once, as connection errors the resilience layer retries on the new
    /// master, and starts the failover report like any other master loss.
    /// </summary>
    private void OnSentinelSwitchedMaster(string message) => Guard(() => SwitchMaster(message));

    private void SwitchMaster(string message)
    {
        var parts = message.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 5 || parts[0] != settings.SentinelServiceName)
        {
            return;
        }

        var oldMaster = $"{parts[1]}:{parts[2]}";
        var newMaster = $"{parts[3]}:{parts[4]}";

        // A switch the client already followed on the sentinels' word (the announcement came late): not a new failover.
        var followed = Volatile.Read(ref _sentinelMaster) == newMaster && Volatile.Read(ref _failover) is null;
        Volatile.Write(ref _sentinelMaster, newMaster);

        // Fence first: the old master's sockets are closed next, and the client must not dial it again as a master.
        fence.OnSwitch(oldMaster, newMaster);

        // A hung master raised no ConnectionFailed, so the switch is the first the client hears of its loss.
        if (!followed)
        {
            BeginFailover(oldMaster);
        }

        RedisLog.SentinelSwitchedMaster(_logger, oldMaster, newMaster, sockets.Close(oldMaster));
        CheckFailover();
    }
}
