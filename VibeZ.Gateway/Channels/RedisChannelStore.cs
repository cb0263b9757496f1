using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using VibeZ.ServiceDefaults.Redis;

namespace VibeZ.Gateway.Channels;

/// <summary>
/// Channels in Redis: a hash with the epoch and offset counter, a stream of message frames, a dedupe key per
/// message id, and a live Pub/Sub channel (sharded in a cluster), all under one hash tag. Every operation goes through
/// <see cref="IRedisResilience"/>, so a failover costs a short wait instead of an error; publishes are safe to retry
/// because the script finds an id it has seen before.
/// </summary>
internal sealed partial class RedisChannelStore : IChannelStore
{
    private readonly IConnectionMultiplexer _multiplexer;
    private readonly IRedisResilience _resilience;
    private readonly ReplicationBarrier _barrier;
    private readonly IOptions<GatewayOptions> _options;
    private readonly ILogger _logger;
    private readonly bool _sharded;
    private readonly bool _waitForReplica;

    public RedisChannelStore(
        IConnectionMultiplexer multiplexer,
        IRedisResilience resilience,
        IRedisConnectionState connectionState,
        RedisConnectionSettings settings,
        ReplicationBarrier barrier,
        IOptions<GatewayOptions> options,
        ILogger<RedisChannelStore> logger)
    {
        _multiplexer = multiplexer;
        _resilience = resilience;
        _barrier = barrier;
        _options = options;
        _logger = logger;
        _sharded = settings.Mode == RedisMode.Cluster;

        // A single server has no replica to wait for: there the strongest promise is the master's.
        _waitForReplica = options.Value.Durability == GatewayDurability.Replicated && settings.Mode != RedisMode.Single;

        _multiplexer.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription)
            {
                LiveFeedInterrupted?.Invoke();
            }
        };
        connectionState.Changed += change =>
        {
            if (change.Status == RedisConnectionStatus.Connected)
            {
                LiveFeedInterrupted?.Invoke();
            }
        };
    }

    public event Action? LiveFeedInterrupted;

    public async Task<PublishResult> PublishAsync(PublishRequest request, ChannelPosition? known, CancellationToken cancellationToken)
    {
        var options = _options.Value;
        RedisKey[] keys = [ChannelKeys.Meta(request.Channel), ChannelKeys.History(request.Channel), ChannelKeys.MessageId(request.Channel, request.Id)];
        RedisValue[] arguments =
        [
            NewEpoch(),
            known?.Epoch ?? string.Empty,
            known?.Offset ?? 0,
            (long)options.ChannelTimeToLive.TotalMilliseconds,
            "{\"type\":\"message\",\"channel\":\"" + request.Channel + "\",\"offset\":",
            ",\"id\":" + JsonSerializer.Serialize(request.Id) + ",\"data\":" + request.Data + "}",
            options.HistoryLength,
            (long)options.DedupeWindow.TotalMilliseconds,
            ChannelKeys.Live(request.Channel),
            _sharded ? "1" : "0",
        ];

        var (result, replicated) = await RunAsync("channel.publish", async (database, token) =>
        {
            var ticket = _waitForReplica ? _barrier.Before(keys[0]) : default;
            var reply = (RedisResult[])(await database.ScriptEvaluateAsync(ChannelScripts.Publish, keys, arguments))!;
            var published = new PublishResult(new ChannelPosition((string)reply[0]!, (long)reply[1]), Duplicate: (long)reply[2] == 1);
            ReportLostHistory(request.Channel, known, reply[3], published.Position);
            return (published, !_waitForReplica || await _barrier.WaitAsync(ticket, token));
        }, cancellationToken);

        if (!replicated)
        {
            GatewayLog.NotReplicated(_logger, request.Channel, result.Position.Offset, options.ReplicationTimeoutMilliseconds);
            throw new ChannelStoreException(GatewayErrorCodes.NotReplicated,
                $"Redis accepted the message at offset {result.Position.Offset} but no replica confirmed it within {options.ReplicationTimeoutMilliseconds} ms; send it again with the same id.",
                retryable: true);
        }

        return result;
    }

    public Task<ChannelHistory> ReadAsync(string channel, long after, int limit, ChannelPosition? known, CancellationToken cancellationToken)
    {
        RedisKey[] keys = [ChannelKeys.Meta(channel), ChannelKeys.History(channel)];
        RedisValue[] arguments =
        [
            NewEpoch(),
            known?.Epoch ?? string.Empty,
            known?.Offset ?? 0,
            (long)_options.Value.ChannelTimeToLive.TotalMilliseconds,
            after + 1,
            limit,
        ];

        return RunAsync("channel.read", async (database, _) =>
        {
            var reply = (RedisResult[])(await database.ScriptEvaluateAsync(ChannelScripts.Read, keys, arguments))!;
            var position = new ChannelPosition((string)reply[0]!, (long)reply[1]);
            ReportLostHistory(channel, known, reply[2], position);

            var messages = new List<ChannelMessage>((reply.Length - 3) / 2);
            for (var i = 3; i + 1 < reply.Length; i += 2)
            {
                messages.Add(new ChannelMessage(position.Epoch, EntryOffset((string)reply[i]!), (byte[])reply[i + 1]!));
            }

            return new ChannelHistory(position, messages);
        }, cancellationToken);
    }

    public async Task<IAsyncDisposable> SubscribeAsync(string channel, Action<ChannelMessage> onMessage, CancellationToken cancellationToken)
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
            if (LiveMessage.TryParse((byte[])message.Message!, out var parsed))
            {
                onMessage(parsed);
            }
            else
            {
                GatewayLog.MalformedLiveMessage(_logger, channel);
            }
        });
        return new Subscription(queue);
    }

    private async Task<T> RunAsync<T>(string operation, Func<IDatabase, CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await _resilience.ExecuteIdempotentAsync(operation, action, cancellationToken);
        }
        catch (RedisUnavailableException ex)
        {
            throw new ChannelStoreException(GatewayErrorCodes.RedisUnavailable, ex.Message, retryable: true, ex);
        }
    }

    private void ReportLostHistory(string channel, ChannelPosition? known, RedisResult lost, ChannelPosition now)
    {
        if ((long)lost == 1 && known is { } before)
        {
            GatewayLog.HistoryLost(_logger, channel, before.Epoch, before.Offset, now.Epoch);
        }
    }

    private static long EntryOffset(string entryId) => long.Parse(entryId.AsSpan(0, entryId.IndexOf('-')), provider: null);

    private static string NewEpoch() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    private sealed class Subscription(ChannelMessageQueue queue) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await queue.UnsubscribeAsync();
    }
}
