using StackExchange.Redis;
using VibeZ.Channels.Delivery;

namespace VibeZ.Channels.Storage;

/// <summary>The live feed of <see cref="RedisChannelStore"/>: a channel's Pub/Sub subscription, which carries commits as they happen.</summary>
internal sealed partial class RedisChannelStore
{
    public event Action? LiveFeedInterrupted;

    public async Task<IAsyncDisposable> SubscribeAsync(string channel, Action<ChannelCommit> onCommit, CancellationToken cancellationToken)
    {
        // An attempt given up on (timed out) may still subscribe later; every queue but the one returned is closed
        // once it exists, so no channel is delivered twice.
        var attempts = new List<Task<ChannelMessageQueue>>();
        var queue = await RunAsync("channel.subscribe", async (_, _) =>
        {
            var attempt = _multiplexer.GetSubscriber().SubscribeAsync(ChannelKeys.LiveChannel(channel, _sharded));
            lock (attempts)
            {
                attempts.Add(attempt);
            }

            return await attempt;
        }, cancellationToken);

        lock (attempts)
        {
            foreach (var abandoned in attempts.Where(attempt => !(attempt.IsCompletedSuccessfully && ReferenceEquals(attempt.Result, queue))))
            {
                _ = abandoned.ContinueWith(
                    static task => task.Result.UnsubscribeAsync(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            }
        }

        queue.OnMessage(message =>
        {
            if (LiveCommit.TryParse((byte[])message.Message!, out var commit))
            {
                onCommit(commit);
            }
            else
            {
                GatewayLog.MalformedLiveMessage(_logger, channel);
            }
        });
        return new Subscription(queue);
    }

    private sealed class Subscription(ChannelMessageQueue queue) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await queue.UnsubscribeAsync();
    }
}
