using System.Collections.Concurrent;
using StackExchange.Redis;
using VibeZ.Worker.Leases;

namespace VibeZ.Worker.Tests.Leases;

/// <summary>The lease holder that the canary and the registry cleanup run under, against a real redis-server.</summary>
[Trait("Category", "Integration")]
public sealed class LeaseHolderTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _events = new();
    private readonly string _name = $"test-{Guid.NewGuid():N}";
    private ConnectionMultiplexer _connection = null!;

    public async ValueTask InitializeAsync() =>
        _connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Port},password={redis.Password}");

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();

    [Fact]
    public async Task OnlyTheHolderWorksAndStoppingHandsTheLeaseOverAtOnce()
    {
        var (first, second) = (Holder("first"), Holder("second"));
        using var stop = new CancellationTokenSource();
        var worked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = first.RunAsync(TimeSpan.FromMilliseconds(100), TimeProvider.System, _ =>
        {
            worked.TrySetResult();
            return Task.CompletedTask;
        }, whileNot: null, stop.Token);

        await worked.Task.WaitAsync(TestWait.Timeout, TestContext.Current.CancellationToken);
        Assert.False(await second.HoldAsync(), "a second holder got the lease while the first held it");

        // A minute's TTL: only the release on stop can let the second in now.
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.True(await second.HoldAsync(), "the lease was still held after its holder stopped");
        Assert.Equal(["first acquired 1", "second acquired 2"], _events);
    }

    [Fact]
    public async Task AHolderWhoseLeaseWentToAnotherSaysItLostItAndStopsHolding()
    {
        var (first, second) = (Holder("first"), Holder("second"));
        Assert.True(await first.HoldAsync());

        // As if the first had paused past its TTL: the key is gone and the second takes the lease.
        await _connection.GetDatabase().KeyDeleteAsync($"vibez:lease:{{{_name}}}");
        Assert.True(await second.HoldAsync());

        Assert.False(await first.HoldAsync(), "the first still acted as holder after the lease went to the second");
        Assert.Equal(["first acquired 1", "second acquired 2", "first lost 1"], _events);
    }

    private LeaseHolder Holder(string who) => new(
        new RedisLease(_connection, _name, TimeSpan.FromMinutes(1)),
        acquired: fence => _events.Enqueue($"{who} acquired {fence}"),
        lost: fence => _events.Enqueue($"{who} lost {fence}"),
        unavailable: ex => _events.Enqueue($"{who} unavailable: {ex.Message}"));
}
