using VibeZ.Channels.Storage;

namespace VibeZ.Channels.Delivery;

/// <summary>The hub's timer: the resync sweep of every channel, and forgetting what nobody here uses any more.</summary>
public sealed partial class ChannelHub
{
    // Channels compared with Redis per round trip of the resync sweep: ten thousand channels take twenty.
    private const int SweepBatchChannels = 500;

    private int _sweeping;
    private Task _sweep = Task.CompletedTask;
    private bool _sweepFailing;

    private void OnTimer()
    {
        // One sweep at a time: a tick that finds the last one still reading skips, as that one is comparing now.
        if (Interlocked.CompareExchange(ref _sweeping, 1, 0) == 0)
        {
            _sweep = SweepAsync();
        }

        // Forget positions of channels nobody here used for longer than a channel lives in Redis.
        _known.ForgetOlderThan(_options.ChannelTimeToLive);

        // A publisher holds nothing between publishes; one that went quiet is made again by the next publish.
        foreach (var (channel, publisher) in _publishers)
        {
            if (publisher.TryRetire())
            {
                _publishers.TryRemove(KeyValuePair.Create(channel, publisher));
            }
        }
    }

    /// <summary>
    /// The timer's resync of every channel, made cheap for the quiet ones: each channel's head is read in batches
    /// (<see cref="IChannelStore.ReadHeadsAsync"/>), and only a channel whose head is not what it delivered last, or
    /// that has appended messages waiting for a commit, gets a full resync. So a live message lost without a reconnect
    /// is delivered within <see cref="GatewayOptions.ResyncIntervalSeconds"/> plus one sweep, as when every channel read
    /// its history on each tick, at two small reads per channel instead of a read and a catch-up each.
    /// </summary>
    private async Task SweepAsync()
    {
        try
        {
            var feeds = Feeds();
            for (var start = 0; start < feeds.Count; start += SweepBatchChannels)
            {
                var batch = new List<(ChannelFeed Feed, ChannelMark Mark)>(Math.Min(SweepBatchChannels, feeds.Count - start));
                foreach (var feed in feeds.Skip(start).Take(SweepBatchChannels))
                {
                    // A feed not synced yet has nothing to compare: its first join reads the position.
                    if (feed.Delivered is { } mark)
                    {
                        batch.Add((feed, mark));
                    }
                }

                var heads = await _store.ReadHeadsAsync([.. batch.Select(b => (b.Feed.Channel, b.Mark))], CancellationToken.None);
                for (var i = 0; i < batch.Count; i++)
                {
                    if (!batch[i].Feed.IsCurrent(batch[i].Mark, heads[i]))
                    {
                        batch[i].Feed.Resync(checkPending: true);
                    }
                }
            }

            _sweepFailing = false;
        }
        catch (ChannelStoreException ex)
        {
            // Redis stayed away for the whole budget: the next tick compares again. One warning per outage, not one per tick.
            if (!_sweepFailing)
            {
                GatewayLog.SweepFailed(_logger, ex.Message);
            }

            _sweepFailing = true;
        }
        catch (Exception ex)
        {
            GatewayLog.SweepCrashed(_logger, ex);
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }
}
