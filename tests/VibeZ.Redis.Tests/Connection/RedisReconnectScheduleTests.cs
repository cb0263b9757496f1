using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using VibeZ.Redis.Connection;

namespace VibeZ.Redis.Tests.Connection;

[Trait("Category", "Integration")]
[Trait("Timing", "Alone")]
[Collection(nameof(TimingSensitive))]
public sealed class RedisReconnectScheduleTests
{
    private const int BaseDelay = 50;
    private const int MaxDelay = 300;

    // A retry starts on the first heartbeat (one base delay apart) after it is due; the rest is a busy test machine,
    // whose thread pool (where the heartbeat timer runs) can be a few hundred milliseconds late. Never early, though.
    private const int Slack = BaseDelay + 250;

    [Fact]
    public async Task AKilledServerIsRetriedOnTheLinearScheduleAndReconnectedOnceItIsBack()
    {
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();

        // A low cap, so two seconds of watching cover both the linear part and the capped part of the schedule.
        using var host = RedisTestHost.Build(
            ("REDIS_URL", $"redis://127.0.0.1:{redis.Port}"),
            ("REDIS_PASSWORD", redis.Password),
            ("Redis:Reconnect:BaseDelayMilliseconds", BaseDelay.ToString()),
            ("Redis:Reconnect:MaxDelayMilliseconds", MaxDelay.ToString()));
        var multiplexer = host.Services.GetRequiredService<IConnectionMultiplexer>();
        await TestWait.For(multiplexer.GetDatabase().PingAsync(), "PING before the kill");

        var clock = Stopwatch.StartNew();
        var failed = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var retries = new ConcurrentDictionary<long, TimeSpan>();
        multiplexer.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                failed.TrySetResult(clock.Elapsed);
            }
        };
        host.Services.GetRequiredService<RedisReconnectPolicy>().RetryStarting += retry => retries.TryAdd(retry, clock.Elapsed);

        // The kill is the anchor: ConnectionFailed is raised on the thread pool, sometimes after the first retry.
        var killedAt = clock.Elapsed;
        redis.Kill();
        await TestWait.For(failed.Task, "ConnectionFailed after killing redis-server");
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);

        var seen = retries.OrderBy(pair => pair.Key).ToList();
        var described = string.Join(", ", seen.Select(pair => $"#{pair.Key} at {(pair.Value - killedAt).TotalMilliseconds:0} ms"));
        Assert.True(seen.Count >= 6, $"Expected at least 6 retries in 2 s on a {BaseDelay}/{MaxDelay} ms schedule; saw {described}.");
        Assert.Equal(Enumerable.Range(1, seen.Count).Select(i => (long)i), seen.Select(pair => pair.Key));

        var previous = killedAt;
        foreach (var (retry, at) in seen)
        {
            var expected = Math.Min(retry * BaseDelay, MaxDelay);
            var gap = (at - previous).TotalMilliseconds;
            Assert.True(
                gap >= expected - 25 && gap <= expected + Slack,
                $"Retry #{retry} came {gap:0} ms after the one before; expected {expected} ms (+ up to {Slack} ms). All: {described}.");
            previous = at;
        }

        await redis.StartAsync();
        await TestWait.Until(
            async () => (await multiplexer.GetDatabase().StringSetAsync("vibez:test:reconnect", "back"), "SET returned false"),
            $"a SET to succeed after restarting redis-server on port {redis.Port}");

        var records = host.Services.GetFakeLogCollector().GetSnapshot();
        // The outage is logged as it begins, not once per attempt (the next line would be a summary after 10 s).
        var reconnecting = Assert.Single(records, r => r.Message.StartsWith($"Redis reconnecting to 127.0.0.1:{redis.Port}", StringComparison.Ordinal));
        Assert.StartsWith($"Redis reconnecting to 127.0.0.1:{redis.Port}: attempt 1 after", reconnecting.Message, StringComparison.Ordinal);
        await TestWait.Until(
            () => Task.FromResult((host.Services.GetFakeLogCollector().GetSnapshot().Any(r => r.Message.StartsWith($"Redis connected to 127.0.0.1:{redis.Port} again (Interactive)", StringComparison.Ordinal)), "no such log yet")),
            "the 'Redis connected … again' log");
    }

    [Fact]
    public async Task AServerThatIsDownAtStartUpIsReportedAsReconnectingInTheSpecsWords()
    {
        var port = RedisServerProcess.GetFreePort();
        using var host = RedisTestHost.Build(("REDIS_URL", $"redis://127.0.0.1:{port}"));

        var multiplexer = host.Services.GetRequiredService<IConnectionMultiplexer>();
        var logs = host.Services.GetFakeLogCollector();

        Assert.False(multiplexer.IsConnected);
        await TestWait.Until(
            () => Task.FromResult((logs.GetSnapshot().Any(r => r.Message.StartsWith($"Redis reconnecting to 127.0.0.1:{port}: attempt 1 after UnableToConnect (Redis not running or wrong port)", StringComparison.Ordinal)),
                string.Join(" | ", logs.GetSnapshot().Select(r => r.Message)))),
            "the 'Redis reconnecting' log for a server that never started");
    }
}
