using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using VibeZ.ServiceDefaults.Redis;

namespace VibeZ.ServiceDefaults.Tests.Redis;

public sealed class RedisConnectionEventsTests : IDisposable
{
    private readonly FakeLogger<RedisConnectionEvents> _logger = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly RedisReconnectPolicy _policy = new(new RedisReconnectOptions());
    private readonly RedisConnectionEvents _events;
    private readonly List<RedisConnectionStatus> _states = [];
    private readonly ActivityCollector _activities = new();

    // A port of its own, so spans from other tests running at the same time are told apart by endpoint.
    private readonly IPEndPoint _endPoint = new(IPAddress.Loopback, Random.Shared.Next(20000, 60000));

    public RedisConnectionEventsTests()
    {
        State = new RedisConnectionState(_time);
        State.Changed += change => _states.Add(change.Status);
        var settings = new RedisConnectionSettings { Mode = RedisMode.Single, EndPoints = [_endPoint] };
        _events = new RedisConnectionEvents(_logger, _time, new RedisMetrics(MeterFactory), settings, _policy, State);
    }

    private RedisConnectionState State { get; }

    private IMeterFactory MeterFactory => _services.GetRequiredService<IMeterFactory>();

    private string EndPointText => $"127.0.0.1:{_endPoint.Port}";

    public void Dispose()
    {
        _events.Dispose();
        _activities.Dispose();
        _services.Dispose();
    }

    [Fact]
    public void EachAttemptIsLoggedOnceAsRedisReconnectingWithTheFailureInTheSpecsWords()
    {
        using var reconnects = new MetricCollector<long>(MeterFactory, RedisTelemetry.SourceName, RedisTelemetry.ReconnectsCounter);

        _events.OnConnectionFailed(Failed(ConnectionType.Interactive));
        _events.OnConnectionFailed(Failed(ConnectionType.Subscription));

        // Both connections of the endpoint ask the shared policy; one attempt must still be one log line.
        _policy.ShouldRetry(0, 50);
        _policy.ShouldRetry(0, 50);
        _policy.ShouldRetry(1, 100);

        var messages = _logger.Collector.GetSnapshot().Where(r => r.Id.Name == "RedisReconnecting").Select(r => r.Message).ToList();
        Assert.Equal(
            [
                $"Redis reconnecting to {EndPointText}: attempt 1 after SocketFailure (Redis not running or wrong port)",
                $"Redis reconnecting to {EndPointText}: attempt 2 after SocketFailure (Redis not running or wrong port)",
                $"Redis reconnecting to {EndPointText}: attempt 3 after SocketFailure (Redis not running or wrong port)",
            ],
            messages);
        Assert.Equal(3, reconnects.GetMeasurementSnapshot().Count);
    }

    [Fact]
    public void RestoringTheConnectionLogsRedisConnectedAndRecordsReconnectAndResubscribeSpans()
    {
        _events.OnConnectionFailed(Failed(ConnectionType.Interactive));
        _events.OnConnectionFailed(Failed(ConnectionType.Subscription));
        _policy.ShouldRetry(0, 50);
        _time.Advance(TimeSpan.FromMilliseconds(300));

        _events.OnConnectionRestored(Failed(ConnectionType.Interactive));
        _events.OnConnectionRestored(Failed(ConnectionType.Subscription));

        var restored = _logger.Collector.GetSnapshot().First(r => r.Id.Name == "RedisReconnected");
        Assert.Equal($"Redis connected to {EndPointText} again (Interactive) after 2 attempts in 300 ms", restored.Message);

        var spans = _activities.For(EndPointText);
        var reconnect = Assert.Single(spans, a => a.OperationName == RedisTelemetry.ReconnectActivity);
        Assert.Equal(TimeSpan.FromMilliseconds(300), reconnect.Duration);
        Assert.Equal(2L, reconnect.GetTagItem(RedisTelemetry.AttemptTag));
        Assert.Single(spans, a => a.OperationName == RedisTelemetry.ResubscribeActivity);
    }

    [Fact]
    public void TheConnectionStateGoesToReconnectingOnceAndBackToConnectedWhenTheConnectionReturns()
    {
        _events.OnConnectionFailed(Failed(ConnectionType.Interactive));
        _events.OnConnectionFailed(Failed(ConnectionType.Subscription));
        _policy.ShouldRetry(0, 50);
        _events.OnConnectionRestored(Failed(ConnectionType.Subscription));
        Assert.Equal([RedisConnectionStatus.Reconnecting], _states);

        _events.OnConnectionRestored(Failed(ConnectionType.Interactive));

        Assert.Equal([RedisConnectionStatus.Reconnecting, RedisConnectionStatus.Connected], _states);
        Assert.Equal(EndPointText, State.Current.EndPoint);
    }

    [Fact]
    public void ASlotMoveIsLoggedOncePerChangeOfOwnerNotPerRedirectedCommand()
    {
        var other = new IPEndPoint(IPAddress.Loopback, _endPoint.Port + 1);

        _events.OnHashSlotMoved(new HashSlotMovedEventArgs(this, 42, _endPoint, other));
        _events.OnHashSlotMoved(new HashSlotMovedEventArgs(this, 42, _endPoint, other));
        _events.OnHashSlotMoved(new HashSlotMovedEventArgs(this, 42, other, _endPoint));

        var messages = _logger.Collector.GetSnapshot().Where(r => r.Id.Name == "RedisClusterSlotMoved").Select(r => r.Message).ToList();
        Assert.Equal(2, messages.Count);
        Assert.StartsWith($"Redis cluster slot moved: slot 42 from {EndPointText} to 127.0.0.1:{other.Port}", messages[0]);
    }

    private ConnectionFailedEventArgs Failed(ConnectionType type) => new(
        this, _endPoint, type, ConnectionFailureType.SocketFailure, new SocketException((int)SocketError.ConnectionRefused), physicalName: "test");
}
