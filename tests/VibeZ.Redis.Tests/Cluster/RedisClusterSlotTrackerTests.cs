using System.Net;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using VibeZ.Redis.Cluster;
using VibeZ.Redis.Connection;

namespace VibeZ.Redis.Tests.Cluster;

public sealed class RedisClusterSlotTrackerTests : IDisposable
{
    private readonly FakeLogger<RedisClusterSlotTracker> _logger = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly RedisClusterSlotTracker _slots;
    private readonly IPEndPoint _endPoint = new(IPAddress.Loopback, 7000);

    public RedisClusterSlotTrackerTests()
    {
        _slots = new RedisClusterSlotTracker(_logger, _time, new RedisConnectionState(_time), new RedisClusterDialGate(_time, Options.Create(new RedisReconnectOptions())));
    }

    public void Dispose() => _slots.Dispose();

    [Fact]
    public void ASlotMoveIsLoggedOncePerChangeOfOwnerNotPerRedirectedCommand()
    {
        var other = new IPEndPoint(IPAddress.Loopback, _endPoint.Port + 1);

        _slots.OnHashSlotMoved(new HashSlotMovedEventArgs(this, 42, _endPoint, other));
        _slots.OnHashSlotMoved(new HashSlotMovedEventArgs(this, 42, _endPoint, other));
        _slots.OnHashSlotMoved(new HashSlotMovedEventArgs(this, 42, other, _endPoint));

        var messages = _logger.Collector.GetSnapshot().Where(r => r.Id.Name == "RedisClusterSlotMoved").Select(r => r.Message).ToList();
        Assert.Equal(2, messages.Count);
        Assert.StartsWith($"Redis cluster slot moved: slot 42 from 127.0.0.1:7000 to 127.0.0.1:{other.Port}", messages[0]);
    }
}
