using StackExchange.Redis;

namespace VibeZ.Worker.Broadcasts;

/// <summary>
/// Reads the broadcast backlog every <see cref="BroadcastLag.SampleInterval"/> into <see cref="BroadcastLag"/>. Quiet
/// during an outage: the first failure is logged in full, then one summary every <see cref="FailureSummaryInterval"/>,
/// and one line when reading works again.
/// </summary>
internal sealed class BroadcastLagSampler(
    IBroadcastBacklogReader reader,
    BroadcastLag lag,
    TimeProvider timeProvider,
    ILogger<BroadcastLagSampler> logger) : BackgroundService
{
    internal static readonly TimeSpan FailureSummaryInterval = TimeSpan.FromSeconds(30);

    private int _failuresInARow;

    private long _lastFailureLog;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(BroadcastLag.SampleInterval, timeProvider);
        do
        {
            await SampleAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    internal async Task SampleAsync(CancellationToken cancellationToken)
    {
        try
        {
            lag.Record(await reader.ReadAsync(cancellationToken));
            if (_failuresInARow > 0)
            {
                BroadcastLagLog.ReadingRecovered(logger, _failuresInARow);
                _failuresInARow = 0;
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            lag.Failed(ex.Message);
            if (++_failuresInARow == 1)
            {
                _lastFailureLog = timeProvider.GetTimestamp();
                BroadcastLagLog.ReadingFailed(logger, ex);
            }
            else if (timeProvider.GetElapsedTime(_lastFailureLog) >= FailureSummaryInterval)
            {
                _lastFailureLog = timeProvider.GetTimestamp();
                BroadcastLagLog.ReadingStillFailing(logger, _failuresInARow, ex.Message);
            }
        }
    }
}
