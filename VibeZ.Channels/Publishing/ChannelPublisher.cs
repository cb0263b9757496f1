using System.Text;
using VibeZ.Channels.Delivery;
using VibeZ.Channels.Storage;

namespace VibeZ.Channels.Publishing;

/// <summary>
/// One channel's publishes from this Gateway, in order: they queue in the order they arrive and go to Redis in
/// batches, one batch at a time, each appended and committed before the next is appended. So the messages one
/// client sends to a channel get offsets in the order it sent them, retries included, and everything that arrives
/// while a batch is out shares the next one's round trips.
/// </summary>
/// <remarks>
/// A batch whose node lost its place between append and commit (a failover, a restart) is appended again before
/// anything after it: its messages either made it to the promoted replica, and the dedupe keys give them their first
/// offsets back, or they did not, and they get the next ones. Either way nothing after them overtakes them.
/// </remarks>
internal sealed class ChannelPublisher
{
    // How often a batch is appended again after its node lost its place, before its publishers are told to retry.
    private const int MaxAppends = 4;

    private readonly string _channel;
    private readonly IChannelStore _store;
    private readonly ChannelHub _hub;
    private readonly ILogger _logger;
    private readonly int _maxBatchMessages;
    private readonly int _maxBatchBytes;
    private readonly Lock _lock = new();
    private readonly Queue<Pending> _queue = new();
    private bool _running;
    private bool _retired;

    public ChannelPublisher(string channel, IChannelStore store, ChannelHub hub, GatewayOptions options, ILogger logger)
    {
        _channel = channel;
        _store = store;
        _hub = hub;
        _logger = logger;
        _maxBatchMessages = GatewayDefaults.MaxPublishBatchMessages;
        _maxBatchBytes = Math.Max(options.MaxMessageBytes, GatewayDefaults.MaxPublishBatchBytes);
    }

    /// <summary>
    /// Retires the publisher if nothing is queued or on its way; a retired publisher takes no more publishes, so the
    /// next publish makes a new one and no two ever send one channel's messages side by side.
    /// </summary>
    /// <returns>Whether it is retired now.</returns>
    public bool TryRetire()
    {
        lock (_lock)
        {
            _retired |= !_running && _queue.Count == 0;
            return _retired;
        }
    }

    /// <summary>
    /// Queues a publish; <paramref name="acked"/> completes when it is acked, or fails with a
    /// <see cref="ChannelStoreException"/>, or is cancelled when <paramref name="cancellationToken"/> fires before the
    /// publish went to Redis. False when the publisher is retired.
    /// </summary>
    public bool TryPublish(PublishRequest request, CancellationToken cancellationToken, out Task<PublishResult> acked)
    {
        var pending = new Pending(request, cancellationToken, new TaskCompletionSource<PublishResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        acked = pending.Completion.Task;
        bool start;
        lock (_lock)
        {
            if (_retired)
            {
                return false;
            }

            _queue.Enqueue(pending);
            start = !_running;
            _running = true;
        }

        if (start)
        {
            _ = Task.Run(RunAsync);
        }

        return true;
    }

    private async Task RunAsync()
    {
        while (TakeBatch() is { } batch)
        {
            try
            {
                await PublishBatchAsync(batch);
            }
            catch (ChannelStoreException ex)
            {
                Fail(batch, ex);
            }
            catch (Exception ex)
            {
                GatewayLog.PublishFailed(_logger, _channel, ex);
                Fail(batch, new ChannelStoreException(GatewayErrorCodes.InternalError, "The Gateway failed to publish the message; it was not acked.", retryable: true, ex));
            }
        }
    }

    private List<Pending>? TakeBatch()
    {
        lock (_lock)
        {
            var batch = new List<Pending>();
            var bytes = 0;
            while (_queue.TryPeek(out var next) && batch.Count < _maxBatchMessages
                && (batch.Count == 0 || bytes + Encoding.UTF8.GetMaxByteCount(next.Request.Data.Length) <= _maxBatchBytes))
            {
                _queue.Dequeue();

                // Its client is gone (the Gateway closed the connection): nobody would get the ack, so it is not sent
                // at all, instead of being delivered, unacked, for as long as the queue ahead of it takes.
                if (next.Cancellation.IsCancellationRequested)
                {
                    next.Completion.TrySetCanceled(next.Cancellation);
                    continue;
                }

                bytes += Encoding.UTF8.GetMaxByteCount(next.Request.Data.Length);
                batch.Add(next);
            }

            if (batch.Count == 0)
            {
                _running = false;
                return null;
            }

            return batch;
        }
    }

    private async Task PublishBatchAsync(List<Pending> batch)
    {
        var waiting = batch;
        for (var attempt = 1; ; attempt++)
        {
            var appended = await _store.AppendAsync(_channel, [.. waiting.Select(p => p.Request)], _hub.Known(_channel), CancellationToken.None);
            var accepted = new List<(Pending Pending, long Offset, bool Duplicate)>(waiting.Count);
            for (var i = 0; i < waiting.Count; i++)
            {
                if (appended.Statuses[i] == AppendStatus.Conflict)
                {
                    waiting[i].Completion.TrySetException(new ChannelStoreException(GatewayErrorCodes.IdConflict,
                        $"The id '{waiting[i].Request.Id}' was published to {_channel} before with other data; use a new id for a new message.", retryable: false));
                    continue;
                }

                // A message this publisher appends again is not a duplicate the client sent; the first append says.
                waiting[i].Duplicate ??= appended.Statuses[i] == AppendStatus.Duplicate;
                accepted.Add((waiting[i], appended.Offsets[i], waiting[i].Duplicate!.Value));
            }

            if (accepted.Count == 0 || await _store.CommitAsync(appended, CancellationToken.None))
            {
                Ack(appended.Epoch, accepted);
                return;
            }

            if (attempt == MaxAppends)
            {
                throw new ChannelStoreException(GatewayErrorCodes.RedisUnavailable,
                    $"Redis moved {_channel} to another node or epoch {MaxAppends} times while the message was being published; send it again with the same id.", retryable: true);
            }

            waiting = [.. accepted.Select(a => a.Pending)];
        }
    }

    private void Ack(string epoch, List<(Pending Pending, long Offset, bool Duplicate)> accepted)
    {
        if (accepted.Count == 0)
        {
            return;
        }

        var last = accepted.MaxBy(a => a.Offset);
        _hub.Observe(_channel, new ChannelMark(new ChannelPosition(epoch, last.Offset), last.Pending.Request.Identity));
        foreach (var (pending, offset, duplicate) in accepted)
        {
            pending.Completion.TrySetResult(new PublishResult(new ChannelPosition(epoch, offset), duplicate));
        }
    }

    private static void Fail(List<Pending> batch, ChannelStoreException error)
    {
        foreach (var pending in batch)
        {
            pending.Completion.TrySetException(error);
        }
    }

    private sealed record Pending(PublishRequest Request, CancellationToken Cancellation, TaskCompletionSource<PublishResult> Completion)
    {
        /// <summary>Gets or sets whether the message's first append found its id already published.</summary>
        public bool? Duplicate { get; set; }
    }
}
