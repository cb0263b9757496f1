using Microsoft.Extensions.Options;
using StackExchange.Redis;
using VibeZ.Channels.Storage;
using VibeZ.Redis.Configuration;
using VibeZ.Redis.Resilience;

namespace VibeZ.Channels.Presence;

/// <summary>
/// Presence and the registry in Redis: a sorted set per channel (member → expiry), refreshed by one pipeline per
/// Gateway heartbeat, and a hash per Gateway with an index scored by expiry. Writes are sent once, never retried: a
/// failed one is made good by the next heartbeat, and retrying could reorder a join behind its own leave.
/// </summary>
internal sealed class RedisPresenceStore(
    IConnectionMultiplexer multiplexer,
    IRedisResilience resilience,
    RedisConnectionSettings settings,
    IOptions<GatewayOptions> options,
    TimeProvider timeProvider) : IPresenceStore
{
    // Enough for any backlog of dead Gateways, small enough that one script never holds Redis for long.
    private const int MaxDeadPerRound = 100;

    private readonly bool _sharded = settings.Mode == RedisMode.Cluster;

    private long TimeToLiveMs => (long)options.Value.PresenceTimeToLive.TotalMilliseconds;

    public Task JoinAsync(string channel, PresenceMember member, CancellationToken cancellationToken) =>
        Map("presence.join", () => multiplexer.GetDatabase().ScriptEvaluateAsync(PresenceScripts.Join, [PresenceKeys.Members(channel)],
            [.. Common(channel), member.ToString(), Now() + TimeToLiveMs, TimeToLiveMs]));

    public Task LeaveAsync(string channel, PresenceMember member, CancellationToken cancellationToken) =>
        Map("presence.leave", () => multiplexer.GetDatabase().ScriptEvaluateAsync(PresenceScripts.Leave, [PresenceKeys.Members(channel)],
            [.. Common(channel), member.ToString()]));

    public Task<long> HeartbeatAsync(IReadOnlyCollection<KeyValuePair<string, PresenceMember[]>> members, GatewayAnnouncement announcement, CancellationToken cancellationToken) =>
        Map("presence.heartbeat", () => SendHeartbeat(members, announcement));

    private async Task<long> SendHeartbeat(IReadOnlyCollection<KeyValuePair<string, PresenceMember[]>> members, GatewayAnnouncement announcement)
    {
        var now = Now();
        var ttl = TimeToLiveMs;
        var batch = multiplexer.GetDatabase().CreateBatch();
        var expired = new List<Task<RedisResult>>(members.Count);
        foreach (var (channel, held) in members)
        {
            expired.Add(batch.ScriptEvaluateAsync(PresenceScripts.Heartbeat, [PresenceKeys.Members(channel)],
                [.. Common(channel), now, now + ttl, ttl, .. held.Select(m => (RedisValue)m.ToString())]));
        }

        var announced = batch.ScriptEvaluateAsync(PresenceScripts.Announce, [PresenceKeys.Node(announcement.Node), PresenceKeys.Index],
            [announcement.Node, announcement.Address, announcement.Connections, announcement.Channels, announcement.PresenceMembers, now, ttl, now + ttl]);
        batch.Execute();
        await Task.WhenAll([.. expired, announced]);
        return expired.Sum(script => (long)script.Result);
    }

    public Task WithdrawAsync(string node, CancellationToken cancellationToken) =>
        Map("presence.withdraw", () => multiplexer.GetDatabase().ScriptEvaluateAsync(PresenceScripts.Withdraw, [PresenceKeys.Node(node), PresenceKeys.Index], [node]));

    public async Task<IReadOnlyList<PresenceMember>> ReadAsync(string channel, CancellationToken cancellationToken)
    {
        var stored = await Run("presence.read", (database, _) =>
            database.SortedSetRangeByScoreAsync(PresenceKeys.Members(channel), Now(), double.PositiveInfinity, Exclude.Start), cancellationToken);
        var members = new List<PresenceMember>(stored.Length);
        foreach (var value in stored)
        {
            if (PresenceMember.TryParse((string)value!, out var member))
            {
                members.Add(member.Value);
            }
        }

        return members;
    }

    public async Task<IAsyncDisposable> SubscribeAsync(string channel, Action<byte[]> onFrame, CancellationToken cancellationToken)
    {
        var queue = await Run("presence.subscribe", (_, _) =>
            multiplexer.GetSubscriber().SubscribeAsync(PresenceKeys.EventsChannel(channel, _sharded)), cancellationToken);
        queue.OnMessage(message => onFrame((byte[])message.Message!));
        return new Subscription(queue);
    }

    public async Task<RegistrySweep> RemoveDeadGatewaysAsync(CancellationToken cancellationToken)
    {
        var swept = (RedisResult[])(await Run("registry.remove-dead", (database, _) =>
            database.ScriptEvaluateAsync(PresenceScripts.RemoveDead, [PresenceKeys.Index], [Now(), PresenceKeys.NodePrefix, MaxDeadPerRound]), cancellationToken))!;
        return new RegistrySweep([.. ((RedisResult[])swept[1]!).Select(node => (string)node!)], (long)swept[0]);
    }

    private RedisValue[] Common(string channel) => [channel, PresenceKeys.Events(channel), _sharded ? "1" : "0"];

    private long Now() => timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    // The commands are sent by the time send() returns; only the wait for the answer is asynchronous.
    private static async Task<T> Map<T>(string operation, Func<Task<T>> send)
    {
        try
        {
            return await send();
        }
        catch (Exception ex) when (ex is RedisServerException or RedisConnectionException or RedisTimeoutException)
        {
            throw Translate(operation, ex);
        }
    }

    private async Task<T> Run<T>(string operation, Func<IDatabase, CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await resilience.ExecuteIdempotentAsync(operation, action, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisUnavailableException or RedisServerException)
        {
            throw Translate(operation, ex);
        }
    }

    internal static ChannelStoreException Translate(string operation, Exception ex) => ex switch
    {
        // A sentinel master without a replica in sync (min-replicas-to-write) during a failover: the next heartbeat adds it.
        RedisServerException when ex.Message.StartsWith("NOREPLICAS", StringComparison.Ordinal) => new ChannelStoreException(GatewayErrorCodes.NotReplicated,
            $"Redis takes no writes until a replica is in sync ('{operation}'); presence is written again at the next heartbeat.", retryable: true, ex),
        RedisServerException refusal => new ChannelStoreException(GatewayErrorCodes.RedisRefused, $"Redis refused '{operation}': {ex.Message}", RedisRefusals.PassesLater(refusal), ex),
        _ => new ChannelStoreException(GatewayErrorCodes.RedisUnavailable, $"Redis did not answer '{operation}': {ex.Message}", retryable: true, ex),
    };

    private sealed class Subscription(ChannelMessageQueue queue) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await queue.UnsubscribeAsync();
    }
}
