using System.Diagnostics;
using StackExchange.Redis;
using VibeZ.Worker.Leases;

namespace VibeZ.Worker.Tests.Leases;

/// <summary>
/// The lease against a real redis-server. Two multiplexers stand for two Worker replicas. A holder that "dies" here simply
/// stops renewing; the kill -9 test on real Worker processes is not written yet.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RedisLeaseTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan TimeToLive = TimeSpan.FromMilliseconds(600);

    private ConnectionMultiplexer _first = null!;
    private ConnectionMultiplexer _second = null!;

    public async ValueTask InitializeAsync()
    {
        _first = await ConnectAsync();
        _second = await ConnectAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [Fact]
    public async Task OnlyOneContenderHoldsTheLeaseAndRenewalKeepsIt()
    {
        // A longer TTL than the other tests use: "renewed in time" must stay true while the integration phase loads
        // both cores, and a 600 ms TTL was once outlived by a test thread paused for more than 400 ms.
        var timeToLive = TimeSpan.FromSeconds(3);
        var name = NewLeaseName();
        var holder = new RedisLease(_first, name, timeToLive);
        var contender = new RedisLease(_second, name, timeToLive);

        var grant = await holder.TryAcquireAsync();
        Assert.NotNull(grant);
        Assert.Null(await contender.TryAcquireAsync());

        // Renewing at a tenth of the TTL for one full TTL: the contender must never get in.
        for (var i = 0; i < 10; i++)
        {
            await Task.Delay(timeToLive / 10, TestContext.Current.CancellationToken);
            Assert.True(await holder.RenewAsync(grant.Value), $"renewal {i} was refused while the holder still renewed in time");
            Assert.Null(await contender.TryAcquireAsync());
        }
    }

    [Fact]
    public async Task AHolderThatStopsRenewingIsTakenOverWithinTheTtlAndLosesItsFence()
    {
        var name = NewLeaseName();
        var holder = new RedisLease(_first, name, TimeToLive);
        var contender = new RedisLease(_second, name, TimeToLive);
        var old = await holder.TryAcquireAsync();
        Assert.NotNull(old);

        var retry = TimeSpan.FromMilliseconds(50);
        var clock = Stopwatch.StartNew();
        LeaseGrant? taken = null;
        while (taken is null && clock.Elapsed < TestWait.Timeout)
        {
            taken = await contender.TryAcquireAsync();
            if (taken is null)
            {
                await Task.Delay(retry, TestContext.Current.CancellationToken);
            }
        }

        Assert.True(taken is not null, $"the contender never took the lease over in {clock.Elapsed}");
        // Bound: TTL plus one retry interval; the extra 500 ms is scheduling slack on a loaded 2-core machine, not part of the bound.
        Assert.True(clock.Elapsed <= TimeToLive + retry + TimeSpan.FromMilliseconds(500), $"takeover took {clock.Elapsed}");
        Assert.True(taken.Value.Fence > old.Value.Fence, $"fence went from {old.Value.Fence} to {taken.Value.Fence}");
        Assert.False(await holder.RenewAsync(old.Value), "the old holder renewed the new holder's lease");
        Assert.False(await holder.ReleaseAsync(old.Value), "the old holder released the new holder's lease");
        Assert.Null(await holder.TryAcquireAsync());
    }

    [Fact]
    public async Task ReleaseLetsTheNextContenderInAtOnce()
    {
        var name = NewLeaseName();
        var holder = new RedisLease(_first, name, TimeSpan.FromMinutes(1));
        var contender = new RedisLease(_second, name, TimeSpan.FromMinutes(1));
        var grant = await holder.TryAcquireAsync();
        Assert.NotNull(grant);

        Assert.True(await holder.ReleaseAsync(grant.Value));

        var next = await contender.TryAcquireAsync();
        Assert.True(next is not null, "the lease was still held after its holder released it");
        Assert.Equal(grant.Value.Fence + 1, next.Value.Fence);
    }

    private static string NewLeaseName() => $"test-{Guid.NewGuid():N}";

    private Task<ConnectionMultiplexer> ConnectAsync() =>
        ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Port},password={redis.Password}");
}
