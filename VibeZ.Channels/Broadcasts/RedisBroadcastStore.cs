using System.Net;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using VibeZ.Channels.Publishing;
using VibeZ.Channels.Storage;
using VibeZ.Redis.Configuration;
using VibeZ.Redis.Resilience;

namespace VibeZ.Channels.Broadcasts;

/// <summary>
/// Stores broadcasts in Redis and reads their state. A broadcast is acknowledged only when it is on the master and,
/// with <see cref="GatewayDurability.Replicated"/>, confirmed by a replica: a failover then cannot lose it.
/// </summary>
internal sealed class RedisBroadcastStore
{
    private readonly IConnectionMultiplexer _multiplexer;
    private readonly IRedisResilience _resilience;
    private readonly ReplicationConfirmer _confirmer;
    private readonly IOptions<GatewayOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly bool _confirmWithReplica;

    public RedisBroadcastStore(
        IConnectionMultiplexer multiplexer,
        IRedisResilience resilience,
        RedisConnectionSettings settings,
        ReplicationConfirmer confirmer,
        IOptions<GatewayOptions> options,
        TimeProvider timeProvider)
    {
        _multiplexer = multiplexer;
        _resilience = resilience;
        _confirmer = confirmer;
        _options = options;
        _timeProvider = timeProvider;

        // The same promise as a publish: a single server has no replica to wait for.
        _confirmWithReplica = options.Value.Durability == GatewayDurability.Replicated && settings.Mode != RedisMode.Single;
    }

    public async Task<BroadcastScheduled> ScheduleAsync(BroadcastRequest request, CancellationToken cancellationToken)
    {
        var record = BroadcastKeys.Record(request.Id);
        RedisKey[] keys = [record, BroadcastKeys.Due];
        RedisValue[] arguments =
        [
            request.Id, request.Channel, request.Data, request.DeliverAt.ToUnixTimeMilliseconds(), _timeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
        ];

        // The script is idempotent (a second run finds the record and changes nothing), so a retry after an unknown
        // outcome is safe.
        var (reply, server) = await RunAsync("broadcast.schedule", async database =>
        {
            var result = (RedisResult[])(await database.ScriptEvaluateAsync(BroadcastScripts.Schedule, keys, arguments))!;
            return (result, _multiplexer.GetServer(record).EndPoint);
        }, cancellationToken);

        var status = (long)reply[0];
        var deliverAt = DateTimeOffset.FromUnixTimeMilliseconds((long)reply[1]);
        if (status == 2)
        {
            throw new ChannelStoreException(GatewayErrorCodes.IdConflict,
                $"Broadcast id '{request.Id}' was used before for another channel or other data.", retryable: false);
        }

        await ConfirmAsync(request.Id, server, (string)reply[2]!, cancellationToken);
        if (status == 0)
        {
            // Wakes an idle Worker now; if the nudge is lost, the Workers' own look a second later finds the broadcast.
            await _multiplexer.GetSubscriber().PublishAsync(BroadcastKeys.Nudge, (long)reply[1], CommandFlags.FireAndForget);
        }

        return new BroadcastScheduled(request.Id, deliverAt, Duplicate: status == 1);
    }

    public async Task<BroadcastStatus?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var fields = await RunAsync("broadcast.get", database => database.HashGetAllAsync(BroadcastKeys.Record(id)), cancellationToken);
        if (fields.Length == 0)
        {
            return null;
        }

        var values = fields.ToDictionary(f => (string)f.Name!, f => f.Value);
        string? Text(string name) => values.TryGetValue(name, out var value) ? (string?)value : null;
        return new BroadcastStatus(
            id,
            Text("channel")!,
            Text("state")!,
            DateTimeOffset.FromUnixTimeMilliseconds((long)values["deliverAt"]),
            values.TryGetValue("offset", out var offset) ? (long)offset : null,
            Text("epoch"),
            Text("error"));
    }

    private async Task ConfirmAsync(string id, EndPoint server, string replicationId, CancellationToken cancellationToken)
    {
        if (!_confirmWithReplica
            || await _confirmer.ConfirmAsync(new ReplicationTicket(server, replicationId), cancellationToken) == ReplicationConfirmation.Confirmed)
        {
            return;
        }

        // Moved or not confirmed in time: the record may or may not survive a failover. The id makes a resend safe.
        throw new ChannelStoreException(GatewayErrorCodes.NotReplicated,
            $"Redis has broadcast '{id}', but no replica confirmed it within {_options.Value.ReplicationTimeoutMilliseconds} ms; send it again with the same id.",
            retryable: true);
    }

    private async Task<T> RunAsync<T>(string operation, Func<IDatabase, Task<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await _resilience.ExecuteIdempotentAsync(operation, (database, _) => action(database), cancellationToken);
        }
        catch (RedisUnavailableException ex)
        {
            throw new ChannelStoreException(GatewayErrorCodes.RedisUnavailable, ex.Message, retryable: true, ex);
        }
        catch (RedisServerException ex)
        {
            // NOREPLICAS (min-replicas-to-write), OOM: the broadcast is not stored, and the caller may send it again.
            throw new ChannelStoreException(GatewayErrorCodes.RedisRefused, $"Redis refused '{operation}': {ex.Message}", retryable: true, ex);
        }
    }
}
