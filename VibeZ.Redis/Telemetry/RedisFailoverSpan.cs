using System.Diagnostics;

namespace VibeZ.Redis.Telemetry;

/// <summary>
/// The <c>redis.failover</c> span, started when the master is lost and ended when another takes writes. It is open
/// while the failover runs, rather than made afterwards like the reconnect spans, so that the operations retried
/// meanwhile can link to it (<see cref="Overlapping"/>) and a trace shows which publishes the failover cost a retry.
/// </summary>
/// <remarks>
/// It is never <see cref="Activity.Current"/>: a failover is not the parent of whatever command happened to notice it,
/// nor of the commands sent while it runs; they point to it through links instead.
/// </remarks>
internal sealed class RedisFailoverSpan(TimeProvider timeProvider)
{
    private readonly Lock _lock = new();
    private Activity? _open;
    private (ActivityContext Context, DateTimeOffset Start, DateTimeOffset End)? _last;

    /// <summary>Gets the context of the failover in progress, or <see langword="null"/> when none is (or nobody records spans).</summary>
    public ActivityContext? Current
    {
        get
        {
            lock (_lock)
            {
                return _open?.Context;
            }
        }
    }

    /// <summary>Starts the span of a failover that began at <paramref name="start"/>; false when one is already open.</summary>
    public bool Begin(string oldMaster, DateTimeOffset start)
    {
        lock (_lock)
        {
            if (_open is not null)
            {
                return false;
            }

            _open = WithoutCurrent(() => RedisTelemetry.ActivitySource.StartActivity(
                RedisTelemetry.FailoverActivity, ActivityKind.Internal, default(ActivityContext), [new(RedisTelemetry.OldMasterTag, oldMaster)], startTime: start));
            return true;
        }
    }

    /// <summary>Ends the span: <paramref name="newMaster"/> takes writes since <paramref name="end"/>.</summary>
    public void Complete(string newMaster, DateTimeOffset end) => End(end, activity =>
    {
        activity.SetTag(RedisTelemetry.NewMasterTag, newMaster);
        activity.SetTag(RedisTelemetry.FailoverOutcomeTag, "completed");
        _last = (activity.Context, new DateTimeOffset(activity.StartTimeUtc), end);
    });

    /// <summary>
    /// Ends the span of a failover that did not happen (the old master came back first). It is kept from exporters,
    /// which drop what is not recorded: only failovers that happened show up as <c>redis.failover</c>.
    /// </summary>
    public void Abandon() => End(timeProvider.GetUtcNow(), activity =>
    {
        activity.SetTag(RedisTelemetry.FailoverOutcomeTag, "master returned");
        activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
    });

    /// <summary>
    /// The failover in progress, or the last one that completed, if it overlapped <paramref name="from"/> to
    /// <paramref name="to"/>: an attempt that ran then may have failed because of it.
    /// </summary>
    public ActivityContext? Overlapping(DateTimeOffset from, DateTimeOffset to)
    {
        lock (_lock)
        {
            if (_open is { } open && new DateTimeOffset(open.StartTimeUtc) <= to)
            {
                return open.Context;
            }

            return _last is { } last && last.Start <= to && last.End >= from ? last.Context : null;
        }
    }

    private void End(DateTimeOffset end, Action<Activity> finish)
    {
        lock (_lock)
        {
            if (_open is not { } activity)
            {
                return;
            }

            _open = null;
            finish(activity);
            activity.SetEndTime(end.UtcDateTime);
            WithoutCurrent(() =>
            {
                activity.Stop();
                return activity;
            });
        }
    }

    /// <summary>
    /// Starting and stopping an activity sets <see cref="Activity.Current"/> for the caller, which may be a
    /// StackExchange.Redis thread in the middle of another command's span; that is put back as it was.
    /// </summary>
    private static Activity? WithoutCurrent(Func<Activity?> action)
    {
        var previous = Activity.Current;
        Activity.Current = null;
        try
        {
            return action();
        }
        finally
        {
            Activity.Current = previous;
        }
    }
}
