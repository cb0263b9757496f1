using VibeZ.Channels.Storage;

namespace VibeZ.Channels.Delivery;

/// <summary>Resync of <see cref="ChannelFeed"/>: catching up from history, and what a master that takes writes says when history looks lost.</summary>
internal sealed partial class ChannelFeed
{
    // How often one catch-up reads again after a read that a master that takes writes contradicted.
    private const int MaxDoubtedReads = 3;

    /// <summary>
    /// Delivers everything committed after the last delivered message, following a change of epoch or starting one
    /// after a rollback; with <paramref name="checkPending"/>, also commits appended messages a replica confirmed.
    /// </summary>
    private async Task CatchUpAsync(bool checkPending)
    {
        var doubts = 0;
        while (_delivered is { } delivered)
        {
            var history = await ReadHistoryAsync(delivered, _options.MaxHistoryPageSize);
            if (history.Position.Epoch != delivered.Epoch || history.RolledBackPast(delivered))
            {
                // History gone, another epoch, a rollback: each would tell every subscriber that messages may be
                // missing, so only a master that takes writes is believed. Any node may answer a read: a crashed
                // master restarted empty before it learns it was replaced, a replica behind.
                var truth = await InspectAsync(delivered);
                if (truth is null)
                {
                    return;
                }

                if (truth.Position.Epoch != delivered.Epoch)
                {
                    StartNewEpoch(truth.Position.Epoch, delivered);
                    continue;
                }

                if (truth.RolledBackPast(delivered))
                {
                    var epoch = await _store.RestartEpochAsync(_channel, delivered.Epoch, CancellationToken.None);
                    GatewayLog.RolledBack(_logger, _channel, delivered.Epoch, delivered.Offset, epoch);
                    continue;
                }

                // The read reached a node that does not know the channel as it is; read again, a few times at most.
                if (++doubts > MaxDoubtedReads)
                {
                    return;
                }

                continue;
            }

            if (!history.ContinuesFrom(delivered.Offset))
            {
                // Trimmed away before this Gateway could deliver it (the channel outran HistoryLength during an outage).
                var resume = (history.Messages.Count > 0 ? history.Messages[0].Offset : history.Position.Offset + 1) - 1;
                GatewayLog.MessagesTrimmed(_logger, _channel, delivered.Offset, resume);
                Announce(new ChannelMark(delivered.Position with { Offset = resume }, null), recovered: false);
            }

            foreach (var message in history.Messages)
            {
                Deliver(message);
            }

            // A page cut at its count or its bytes is followed by the next one at once, not at the next resync.
            if (!history.Partial)
            {
                if (checkPending && history.Appended > history.Position.Offset)
                {
                    await CommitPendingAsync(delivered.Epoch);
                }

                return;
            }
        }
    }

    /// <summary>The channel as a master that takes writes sees it, or null while there is none (the next resync asks again).</summary>
    private async Task<ChannelHistory?> InspectAsync(ChannelMark delivered)
    {
        try
        {
            return await _store.InspectAsync(_channel, delivered, CancellationToken.None);
        }
        catch (ChannelStoreException ex)
        {
            GatewayLog.NoAuthoritativeMaster(_logger, _channel, ex.Message);
            return null;
        }
    }

    private async Task CommitPendingAsync(string epoch)
    {
        try
        {
            await _store.CommitPendingAsync(_channel, epoch, CancellationToken.None);
        }
        catch (ChannelStoreException ex)
        {
            // No replica to confirm with right now; the next timer tries again, and publishes commit on their own.
            GatewayLog.CommitPendingFailed(_logger, _channel, ex.Message);
        }
    }

    private void StartNewEpoch(string epoch, ChannelMark before)
    {
        var start = new ChannelMark(new ChannelPosition(epoch, 0), null);
        if (before.Epoch.Length == 0)
        {
            // The channel had no history (never published to, or gone and already announced): nothing is lost, and
            // the messages that follow name their epoch themselves.
            MoveTo(start);
            return;
        }

        GatewayLog.EpochChanged(_logger, _channel, before.Epoch, before.Offset, epoch);
        Announce(start, recovered: false);
    }
}
