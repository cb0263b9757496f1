using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using VibeZ.Channels.Publishing;
using VibeZ.Redis.Configuration;
using VibeZ.Redis.Connection;
using VibeZ.Redis.Resilience;

namespace VibeZ.Channels.Storage;

/// <summary>
/// Channels in Redis: a hash with the epoch, the offset counter and the committed offset, one stream of message frames
/// per epoch, a dedupe key per message id, and a live Pub/Sub channel (sharded in a cluster), all under one hash tag.
/// Every operation goes through <see cref="IRedisResilience"/>, so a failover costs a short wait instead of an error;
/// appends are safe to retry because the script finds an id it has seen before.
/// </summary>
internal sealed partial class RedisChannelStore : IChannelStore
{
    // This file holds the connection and what every part shares (running a script, naming the node it ran on); the
    // write path, the live feed and history reads have a file each beside it (RedisChannelStore.Write.cs, .Live.cs,
    // .History.cs).

    // The meta hash's fields a read needs, in the order Position reads them.
    private static readonly RedisValue[] MetaFields = ["epoch", "offset", "committed"];

    private readonly IConnectionMultiplexer _multiplexer;
    private readonly IRedisResilience _resilience;
    private readonly ReplicationConfirmer _confirmer;
    private readonly IOptions<GatewayOptions> _options;
    private readonly ILogger _logger;
    private readonly bool _sharded;
    private readonly bool _commitAtOnce;

    // An epoch made for an append that did not start one, kept for the next append: most appends go to a channel
    // that already has its epoch, so a new one is made only after one was used, or sent without a definite answer.
    private string? _spareEpoch;

    public RedisChannelStore(
        IConnectionMultiplexer multiplexer,
        IRedisResilience resilience,
        IRedisConnectionState connectionState,
        RedisConnectionSettings settings,
        ReplicationConfirmer confirmer,
        IOptions<GatewayOptions> options,
        ILogger<RedisChannelStore> logger)
    {
        _multiplexer = multiplexer;
        _resilience = resilience;
        _confirmer = confirmer;
        _options = options;
        _logger = logger;
        _sharded = settings.Mode == RedisMode.Cluster;

        // A single server has no replica to wait for: there the strongest promise is the master's.
        _commitAtOnce = options.Value.Durability == GatewayDurability.Leader || settings.Mode == RedisMode.Single;

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

    public async Task<ChannelHistory> InspectAsync(string channel, ChannelMark mark, CancellationToken cancellationToken)
    {
        var (reply, _) = await RunScriptAsync("channel.inspect", ChannelScripts.Inspect, [ChannelKeys.Meta(channel), ChannelKeys.History(channel, mark.Epoch)],
            [mark.Epoch, mark.Offset], cancellationToken);
        var epoch = (string)reply[0]!;
        var id = (string)reply[3]!;
        var anchor = id.Length > 0 ? new ChannelMark(mark.Position, id) : (ChannelMark?)null;
        return new ChannelHistory(new ChannelPosition(epoch, (long)reply[2]), (long)reply[1], [], anchor);
    }

    private Task<(RedisResult[] Reply, EndPoint Server)> RunScriptAsync(
        string operation, string script, RedisKey[] keys, RedisValue[] arguments, CancellationToken cancellationToken) =>
        RunAsync(operation, async (database, _) =>
        {
            try
            {
                var reply = (RedisResult[])(await database.ScriptEvaluateAsync(script, keys, arguments))!;

                // The node the script ran on, for the replication check; if routing moved meanwhile, the check sees
                // another history there and the caller writes again.
                return (reply, ServerOf(keys[0]));
            }
            catch (RedisServerException ex) when (ex.Message.StartsWith("NOREPLICAS", StringComparison.Ordinal))
            {
                throw new ChannelStoreException(GatewayErrorCodes.NotReplicated,
                    "The channel's master has no replica in sync, so it takes no writes (min-replicas-to-write); send it again with the same id.",
                    retryable: true, ex);
            }

        }, cancellationToken);

    private EndPoint ServerOf(RedisKey key)
    {
        try
        {
            return _multiplexer.GetServer(key).EndPoint;
        }
        catch (InvalidOperationException ex)
        {
            // StackExchange.Redis says so with an InvalidOperationException; it is a connection problem like any other.
            throw new RedisConnectionException(ConnectionFailureType.UnableToResolvePhysicalConnection, ex.Message, ex);
        }
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
        catch (RedisServerException ex)
        {
            // OOM, NOPERM, a script error: Redis refused, and will refuse the same request again; BUSY passes.
            throw new ChannelStoreException(GatewayErrorCodes.RedisRefused, $"Redis refused '{operation}': {ex.Message}", RedisRefusals.PassesLater(ex), ex);
        }
    }

    private static string NewEpoch() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
}
