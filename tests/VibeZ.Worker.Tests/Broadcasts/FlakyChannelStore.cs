using VibeZ.Channels;
using VibeZ.Channels.Publishing;
using VibeZ.Channels.Storage;

namespace VibeZ.Worker.Tests.Broadcasts;

/// <summary>
/// A channel store whose first appends fail the way a failover makes them fail (<c>not_replicated</c>, retryable), then
/// succeed: the passing failure the Worker must retry, not dead-letter.
/// </summary>
internal sealed class FlakyChannelStore(int failures) : IChannelStore
{
    private int _failuresLeft = failures;
    private long _offset;

    public event Action? LiveFeedInterrupted
    {
        add { }
        remove { }
    }

    /// <summary>Gets how many appends were asked for, failed ones included.</summary>
    public int Appends { get; private set; }

    /// <summary>Gets the ids of the messages appended successfully.</summary>
    public List<string> Published { get; } = [];

    public Task<AppendedBatch> AppendAsync(string channel, IReadOnlyList<PublishRequest> batch, ChannelMark? known, CancellationToken cancellationToken)
    {
        lock (Published)
        {
            Appends++;
            if (_failuresLeft-- > 0)
            {
                throw new ChannelStoreException("not_replicated", "no replica confirmed it in time (a failover in progress)", retryable: true);
            }

            Published.AddRange(batch.Select(r => r.Id));
            var offsets = batch.Select(_ => ++_offset).ToArray();
            return Task.FromResult(new AppendedBatch(channel, "epoch-1", offsets, [.. batch.Select(_ => AppendStatus.Appended)]));
        }
    }

    public Task<bool> CommitAsync(AppendedBatch batch, CancellationToken cancellationToken) => Task.FromResult(true);

    public Task<ChannelHistory> ReadAsync(string channel, ChannelMark after, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<ChannelHistory>> ReadHeadsAsync(IReadOnlyList<(string Channel, ChannelMark After)> channels, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<ChannelHistory> InspectAsync(string channel, ChannelMark mark, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<string> RestartEpochAsync(string channel, string rolledBackEpoch, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task CommitPendingAsync(string channel, string epoch, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IAsyncDisposable> SubscribeAsync(string channel, Action<ChannelCommit> onCommit, CancellationToken cancellationToken) => throw new NotSupportedException();
}
