using VibeZ.Channels.Storage;

namespace VibeZ.Channels.Delivery;

/// <summary>The work queue of <see cref="ChannelFeed"/>: everything that changes the feed runs here, one at a time, in arrival order.</summary>
internal sealed partial class ChannelFeed
{
    // A work queue that held more than this gives its space back once it is empty again.
    private const int ShrinkAbove = 64;

    /// <summary>Queues <paramref name="work"/> behind what is queued; starts a worker when none runs.</summary>
    private void Post(Func<Task> work)
    {
        lock (_work)
        {
            if (_closed)
            {
                return;
            }

            _work.Enqueue(work);
            _grown |= _work.Count > ShrinkAbove;
            if (_working)
            {
                return;
            }

            _working = true;
            _worker = Task.Run(RunAsync);
        }
    }

    /// <summary>Runs the queued work one at a time, in order, until none is left.</summary>
    private async Task RunAsync()
    {
        while (true)
        {
            Func<Task>? work;
            lock (_work)
            {
                if (!_work.TryDequeue(out work))
                {
                    if (_grown)
                    {
                        // A burst grew the queue; an idle channel should not keep its high-water mark.
                        _work.TrimExcess();
                        _grown = false;
                    }

                    // Not kept once done: a finished worker holds the last work it ran, and with it a subscriber.
                    _working = false;
                    _worker = Task.CompletedTask;
                    return;
                }
            }

            try
            {
                await work();
            }
            catch (ChannelStoreException ex)
            {
                // Redis stayed away for the whole budget; the next live message, reconnect or timer tries again.
                GatewayLog.ResyncFailed(_logger, _channel, ex.Message);
            }
            catch (Exception ex)
            {
                GatewayLog.FeedFailed(_logger, _channel, ex);
            }
        }
    }
}
