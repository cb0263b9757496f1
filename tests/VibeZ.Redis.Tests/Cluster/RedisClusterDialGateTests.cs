using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using VibeZ.Redis.Cluster;
using VibeZ.Redis.Connection;

namespace VibeZ.Redis.Tests.Cluster;

public sealed class RedisClusterDialGateTests
{
    private const string Node = "127.0.0.1:7000";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly RedisClusterDialGate _gate;

    public RedisClusterDialGateTests() => _gate = new RedisClusterDialGate(_time, Options.Create(new RedisReconnectOptions()));

    [Fact]
    public void ANodeThatIsNotRetiredIsDialedWheneverTheScheduleSays()
    {
        Assert.All(Enumerable.Range(0, 100), _ => Assert.True(_gate.Admits(Node)));
    }

    [Fact]
    public void ARetiredNodeIsDialedByItsTwoConnectionsOncePerCapEvenIfAskedEvery50Ms()
    {
        Assert.True(_gate.Retire(Node));
        Assert.False(_gate.Retire(Node));

        // Nine seconds of asking on every 50 ms heartbeat.
        var admitted = new List<TimeSpan>();
        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromSeconds(9); elapsed += TimeSpan.FromMilliseconds(50))
        {
            _time.Advance(TimeSpan.FromMilliseconds(50));
            if (_gate.Admits(Node))
            {
                admitted.Add(elapsed);
            }
        }

        // Nothing in the first 2 s (it was dialed as it was retired), then two dials (interactive and subscription) per 2 s.
        Assert.Equal(8, admitted.Count);
        Assert.All(admitted, at => Assert.True(at >= TimeSpan.FromMilliseconds(1950), $"dialed at {at}"));
        Assert.All(admitted.Chunk(2).Zip(admitted.Chunk(2).Skip(1)), pair => Assert.True(pair.Second[0] - pair.First[0] >= _gate.Cap));
    }

    [Fact]
    public void ARestoredNodeIsDialedOnTheScheduleAgain()
    {
        _gate.Retire(Node);
        Assert.False(_gate.Admits(Node));

        Assert.True(_gate.Restore(Node));

        Assert.True(_gate.Admits(Node));
        Assert.True(_gate.Admits(Node));
        Assert.True(_gate.Admits(Node));
        Assert.False(_gate.IsRetired(Node));
    }
}
