using StackExchange.Redis;

namespace VibeZ.Worker;

/// <summary>
/// Placeholder work: proves the worker can write to Redis by refreshing a heartbeat key every few seconds.
/// </summary>
internal sealed class RedisHeartbeatService(
    IConnectionMultiplexer redis,
    TimeProvider timeProvider,
    ILogger<RedisHeartbeatService> logger) : BackgroundService
{
    internal static readonly RedisKey HeartbeatKey = "vibez:worker:heartbeat";

    internal static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    // Three missed beats before the key disappears, so one slow write does not look like a dead worker.
    internal static readonly TimeSpan Expiry = Interval * 3;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, timeProvider);
        do
        {
            await BeatAsync();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task BeatAsync()
    {
        try
        {
            var now = timeProvider.GetUtcNow().ToString("O");
            await redis.GetDatabase().StringSetAsync(HeartbeatKey, now, Expiry);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Redis being away (failover, restart) must not stop the worker; the next beat tries again.
            RedisHeartbeatLog.HeartbeatFailed(logger, ex);
        }
    }
}
