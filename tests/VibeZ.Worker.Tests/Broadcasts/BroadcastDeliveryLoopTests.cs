using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using VibeZ.Channels;
using VibeZ.Channels.Broadcasts;
using VibeZ.Channels.Delivery;
using VibeZ.Channels.Storage;
using VibeZ.Worker.Broadcasts;

namespace VibeZ.Worker.Tests.Broadcasts;

/// <summary>
/// The delivery loop in-process on a real redis-server: publishing through a channel store that fails for a passing
/// reason first, and dead-lettering past the dead-letter stream's bound; and the backlog reader on the same keys.
/// </summary>
[Trait("Category", "Integration")]
public sealed class BroadcastDeliveryLoopTests : IAsyncLifetime
{
    private readonly RedisServerProcess _redis = new();
    private ConnectionMultiplexer _connection = null!;

    public async ValueTask InitializeAsync()
    {
        await _redis.InitializeAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{_redis.Port},password={_redis.Password}");
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task ABroadcastWhosePublishFailsForAPassingReasonIsDeliveredNotDeadLettered()
    {
        // One attempt allowed: had the failed publishes counted as attempts, the broadcast would be dead at the second.
        var store = new FlakyChannelStore(failures: 2);
        await ScheduleAsync("flaky-1", "bc-flaky", "\"hello\"");

        await RunDeliveryUntilAsync(store, new BroadcastOptions { MaxAttempts = 1 }, async () =>
        {
            var state = await _connection.GetDatabase().HashGetAsync(BroadcastKeys.Record("flaky-1"), "state");
            return (state == "delivered", $"state {state}, {store.Appends} appends, dead letters: {await DeadAsync()}");
        }, "the Worker to deliver flaky-1 after two passing failures (each retried 1 s later)");

        Assert.Equal(3, store.Appends);
        Assert.Equal(["flaky-1"], store.Published);
        Assert.Equal(0, await _connection.GetDatabase().StreamLengthAsync(BroadcastKeys.Dead));
        Assert.True((await _connection.GetDatabase().HashGetAsync(BroadcastKeys.Record("flaky-1"), "error")).IsNull);
        Assert.Equal(0, (await _connection.GetDatabase().StreamPendingAsync(BroadcastKeys.Stream, BroadcastKeys.Group)).PendingMessageCount);
    }

    [Fact]
    public async Task TheDeadLetterStreamKeepsItsBoundDroppingTheOldestWhileEveryRecordKeepsItsReason()
    {
        // Three broadcasts that can never be published (a space is not allowed in a channel name), a bound of two.
        string[] ids = ["dl-1", "dl-2", "dl-3"];
        foreach (var id in ids)
        {
            await ScheduleAsync(id, "bad channel", "\"x\"");
        }

        var database = _connection.GetDatabase();
        await RunDeliveryUntilAsync(new FlakyChannelStore(failures: 0), new BroadcastOptions { DeadLetterMaxLength = 2 }, async () =>
        {
            var states = await Task.WhenAll(ids.Select(id => database.HashGetAsync(BroadcastKeys.Record(id), "state")));
            return (states.All(s => s == "failed"), $"states [{string.Join(", ", states)}], dead letters: {await DeadAsync()}");
        }, "the Worker to dead-letter all three broadcasts");

        // Dead-lettered in the order they were due (one promotion, one read); the first is the one dropped.
        Assert.Equal(["dl-2", "dl-3"], (await database.StreamRangeAsync(BroadcastKeys.Dead)).Select(e => (string)e["id"]!));
        Assert.StartsWith("invalid_channel:", (string?)await database.HashGetAsync(BroadcastKeys.Record("dl-1"), "error"));
    }

    [Fact]
    public async Task TheBacklogReaderSeesPendingEntriesTheOldestDueBroadcastAndDeadLetters()
    {
        var reader = new RedisBroadcastBacklogReader(_connection, TimeProvider.System);
        var empty = await reader.ReadAsync(TestContext.Current.CancellationToken);
        Assert.Equal((0L, (DateTimeOffset?)null, 0L), (empty.Pending, empty.OldestDue, empty.Dead));

        var database = _connection.GetDatabase();
        var dueAt = DateTimeOffset.UtcNow.AddSeconds(-10);
        await database.SortedSetAddAsync(BroadcastKeys.Due, "late", dueAt.ToUnixTimeMilliseconds());
        await database.StreamCreateConsumerGroupAsync(BroadcastKeys.Stream, BroadcastKeys.Group, "0-0", createStream: true);
        await database.StreamAddAsync(BroadcastKeys.Stream, "id", "held");
        await database.StreamReadGroupAsync(BroadcastKeys.Stream, BroadcastKeys.Group, "a-worker", ">", 10);
        await database.StreamAddAsync(BroadcastKeys.Dead, [new("id", "poison"), new("reason", "invalid_channel: …")]);

        var backlog = await reader.ReadAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, backlog.Pending);
        Assert.Equal(dueAt.ToUnixTimeMilliseconds(), backlog.OldestDue?.ToUnixTimeMilliseconds());
        Assert.InRange(backlog.OldestDueAge.TotalSeconds, 10, 30);
        Assert.Equal(1, backlog.Dead);
    }

    /// <summary>Runs the delivery loop in-process, publishing through <paramref name="store"/>, until <paramref name="done"/> holds.</summary>
    private async Task RunDeliveryUntilAsync(IChannelStore store, BroadcastOptions options, Func<Task<(bool Done, string Seen)>> done, string what)
    {
        var gatewayOptions = Options.Create(new GatewayOptions());
        await using var hub = new ChannelHub(store, new GatewayNode(), gatewayOptions, TimeProvider.System, NullLogger<ChannelHub>.Instance);
        using var delivery = new BroadcastDelivery(
            _connection, hub, new GatewayNode(), Options.Create(options), gatewayOptions, TimeProvider.System, NullLogger<BroadcastDelivery>.Instance);
        await delivery.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            await TestWait.Until(done, what);
        }
        finally
        {
            await delivery.StopAsync(CancellationToken.None);
        }
    }

    private async Task<string> DeadAsync() =>
        string.Join("; ", (await _connection.GetDatabase().StreamRangeAsync(BroadcastKeys.Dead)).Select(e => $"{e["id"]}: {e["reason"]}"));

    private Task ScheduleAsync(string id, string channel, string data)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return _connection.GetDatabase().ScriptEvaluateAsync(BroadcastScripts.Schedule, [BroadcastKeys.Record(id), BroadcastKeys.Due], [id, channel, data, now, now]);
    }
}
