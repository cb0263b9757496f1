using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using VibeZ.Redis.Configuration;
using VibeZ.Redis.Connection;
using VibeZ.Redis.Telemetry;

namespace VibeZ.Redis.Tests.Connection;

public sealed class RedisReconnectReporterTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeLogger<RedisReconnectReporter> _logger;
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly RedisReconnectPolicy _policy = new(new RedisReconnectOptions());
    private readonly RedisReconnectReporter _events;
    private readonly List<RedisConnectionStatus> _states = [];
    private readonly ActivityCollector _activities = new();

    // A port of its own, so spans from other tests running at the same time are told apart by endpoint.
    private readonly IPEndPoint _endPoint = new(IPAddress.Loopback, Random.Shared.Next(20000, 60000));

    public RedisReconnectReporterTests()
    {
        _logger = new FakeLogger<RedisReconnectReporter>(new FakeLogCollector(Options.Create(new FakeLogCollectorOptions { TimeProvider = _time })));
        State = new RedisConnectionState(_time);
        State.Changed += change => _states.Add(change.Status);
        var settings = new RedisConnectionSettings { Mode = RedisMode.Single, EndPoints = [_endPoint] };
        _events = new RedisReconnectReporter(_logger, _time, new RedisMetrics(MeterFactory), settings, _policy, State);
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
    public void TheFirstFailureIsLoggedInFullAsRedisReconnectingInTheSpecsWords()
    {
        using var reconnects = new MetricCollector<long>(MeterFactory, RedisTelemetry.SourceName, RedisTelemetry.ReconnectsCounter);

        _events.OnConnectionFailed(Failed(ConnectionType.Interactive));
        _events.OnConnectionFailed(Failed(ConnectionType.Subscription));

        // Both connections of the endpoint ask the shared policy; one attempt must still be counted once.
        _policy.ShouldRetry(0, 50);
        _policy.ShouldRetry(0, 50);
        _policy.ShouldRetry(1, 100);

        var first = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Message.StartsWith("Redis reconnecting", StringComparison.Ordinal));
        Assert.Equal($"Redis reconnecting to {EndPointText}: attempt 1 after SocketFailure (Redis not running or wrong port)", first.Message);
        Assert.IsType<SocketException>(first.Exception);
        Assert.Equal(3, reconnects.GetMeasurementSnapshot().Count);
    }

    [Fact]
    public void ANodeThatStaysDownIsSummarizedAtMostEveryTenSecondsWithTheAttemptCount()
    {
        using var reconnects = new MetricCollector<long>(MeterFactory, RedisTelemetry.SourceName, RedisTelemetry.ReconnectsCounter);
        _events.OnConnectionFailed(Failed(ConnectionType.Interactive));
        _events.OnConnectionFailed(Failed(ConnectionType.Subscription));

        // A minute of the reconnect schedule of docs/redis/resilience.md (50, 100, 150 ms ... 2 s), both connections asking for every attempt.
        var down = TimeSpan.Zero;
        long retries = 0;
        while (down < TimeSpan.FromMinutes(1))
        {
            var delay = _policy.GetDelay(retries + 1);
            _time.Advance(delay);
            down += delay;
            _policy.ShouldRetry(retries, (int)delay.TotalMilliseconds);
            _policy.ShouldRetry(retries, (int)delay.TotalMilliseconds);
            retries++;
        }

        var lines = _logger.Collector.GetSnapshot().Where(r => r.Message.StartsWith("Redis reconnecting", StringComparison.Ordinal)).ToList();
        var described = string.Join("\n", lines.Select(r => $"{r.Timestamp:mm:ss.fff} {r.Message}"));
        Assert.True(lines.Count is >= 6 and <= 7, $"Expected the first failure and a summary every 10 s of a minute; got:\n{described}");
        Assert.All(lines.Zip(lines.Skip(1)), pair => Assert.True(pair.Second.Timestamp - pair.First.Timestamp >= TimeSpan.FromSeconds(10), described));
        Assert.All(lines.Skip(1), r => Assert.Equal("RedisStillReconnecting", r.Id.Name));
        Assert.Null(lines[1].Exception);
        Assert.Matches($@"^Redis reconnecting to {EndPointText}: attempt \d+, down for 1\d s after SocketFailure \(Redis not running or wrong port\); \d+ attempts since the last report$", lines[1].Message);

        // Each summary counts the attempts since the one before, so none is lost between them; the metric counts each.
        var summaries = lines.Skip(1).Select(r => Regex.Match(r.Message, @"attempt (\d+), .*; (\d+) attempts since")).Select(m => (Attempt: long.Parse(m.Groups[1].Value), Since: long.Parse(m.Groups[2].Value))).ToList();
        Assert.Equal(summaries[^1].Attempt, 1 + summaries.Sum(summary => summary.Since));
        Assert.InRange(summaries[^1].Attempt, retries - 5, retries + 1);
        Assert.Equal(retries + 1, reconnects.GetMeasurementSnapshot().Count);
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

    private ConnectionFailedEventArgs Failed(ConnectionType type) => new(
        this, _endPoint, type, ConnectionFailureType.SocketFailure, new SocketException((int)SocketError.ConnectionRefused), physicalName: "test");
}
