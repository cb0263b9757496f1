using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using VibeZ.Redis.Configuration;
using VibeZ.Redis.Telemetry;

namespace VibeZ.Redis.Connection;

/// <summary>
/// Turns the multiplexer's connection events into the grep-able logs of docs/redis/resilience.md (Events) (<c>Redis reconnecting</c>,
/// <c>Redis connected</c>), spans and metrics, in every mode. Outside cluster mode it also reports the connection state;
/// in cluster mode the slot tracker does, because only it knows whether a lost node leaves slots unserved.
/// </summary>
/// <remarks>
/// StackExchange.Redis raises <c>ConnectionFailed</c> once per outage of a connection, not once per attempt, so
/// later attempts are learned from <see cref="RedisReconnectPolicy.RetryStarting"/>. Each endpoint has an interactive
/// and a subscription connection; attempts are counted on the interactive one so one outage is not logged twice.
/// A node may stay down for good (a cluster master whose replica took over), so an outage costs a bounded log: its
/// first failure in full, then a summary at most every <see cref="RedisDefaults.ReconnectReportInterval"/>; the
/// metric still counts every attempt.
/// </remarks>
internal sealed class RedisReconnectReporter : IRedisConnectionObserver, IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string EndPoint, ConnectionType Type), Outage> _outages = [];
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly RedisMetrics _metrics;
    private readonly RedisReconnectPolicy _policy;
    private readonly RedisConnectionState _state;
    private readonly bool _reportsState;

    public RedisReconnectReporter(
        ILogger<RedisReconnectReporter> logger,
        TimeProvider timeProvider,
        RedisMetrics metrics,
        RedisConnectionSettings settings,
        RedisReconnectPolicy policy,
        RedisConnectionState state)
    {
        _logger = logger;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _policy = policy;
        _state = state;
        _reportsState = settings.Mode != RedisMode.Cluster;
        _policy.RetryStarting += OnRetryStarting;
    }

    public void Attach(IConnectionMultiplexer multiplexer)
    {
        multiplexer.ConnectionFailed += (_, e) => Guard(() => OnConnectionFailed(e));
        multiplexer.ConnectionRestored += (_, e) => Guard(() => OnConnectionRestored(e));

        // Connect returns even when a server did not answer (AbortOnConnectFail is off), and that failure was raised
        // before anyone listened: record it here so its retries are reported like those of any other outage.
        foreach (var endPoint in multiplexer.GetEndPoints().Where(endPoint => !multiplexer.GetServer(endPoint).IsConnected))
        {
            Guard(() => BeginOutage(endPoint, ConnectionType.Interactive, ConnectionFailureType.UnableToConnect, exception: null));
        }
    }

    public void Dispose() => _policy.RetryStarting -= OnRetryStarting;

    internal void OnConnectionFailed(ConnectionFailedEventArgs e)
    {
        if (e.EndPoint is not null)
        {
            BeginOutage(e.EndPoint, e.ConnectionType, e.FailureType, e.Exception);
        }
    }

    /// <summary>Records the start of an outage, unless this connection was already known to be down.</summary>
    private void BeginOutage(EndPoint endPoint, ConnectionType type, ConnectionFailureType failureType, Exception? exception)
    {
        var formatted = RedisEndPointFormatter.Format(endPoint);
        var meaning = RedisFailureMeaning.Describe(failureType, exception);
        lock (_lock)
        {
            if (!_outages.TryAdd((formatted, type), new Outage(_timeProvider.GetUtcNow(), failureType, meaning)))
            {
                return;
            }
        }

        if (type == ConnectionType.Interactive)
        {
            // StackExchange.Redis retries once at once when a connection drops: that is attempt 1.
            RedisLog.Reconnecting(_logger, formatted, 1, failureType, meaning, exception);
            CountAttempt(formatted);
            if (_reportsState)
            {
                _state.Report(RedisConnectionStatus.Reconnecting, formatted, $"Redis reconnecting to {formatted}: {meaning}");
            }
        }
    }

    private void OnRetryStarting(long retry)
    {
        // The policy is not told which connection asks, so the attempt is attributed to every endpoint that is down;
        // a number already reported (by the endpoint's other connection) is not reported again.
        var attempt = retry + 1;
        var now = _timeProvider.GetUtcNow();
        var counted = new List<string>();
        var reports = new List<(string EndPoint, Outage Outage, long Attempts)>();
        lock (_lock)
        {
            foreach (var ((endPoint, type), outage) in _outages)
            {
                if (type != ConnectionType.Interactive || outage.Attempts >= attempt)
                {
                    continue;
                }

                outage.Attempts = attempt;
                counted.Add(endPoint);
                if (now - outage.LastReport >= RedisDefaults.ReconnectReportInterval)
                {
                    reports.Add((endPoint, outage, attempt - outage.ReportedAttempts));
                    outage.LastReport = now;
                    outage.ReportedAttempts = attempt;
                }
            }
        }

        foreach (var endPoint in counted)
        {
            CountAttempt(endPoint);
        }

        foreach (var (endPoint, outage, attempts) in reports)
        {
            Guard(() => RedisLog.StillReconnecting(_logger, endPoint, attempt, (long)(now - outage.Start).TotalSeconds, outage.FailureType, outage.Meaning, attempts));
        }
    }

    private void CountAttempt(string endPoint) =>
        _metrics.Reconnects.Add(1, new KeyValuePair<string, object?>(RedisTelemetry.EndPointTag, endPoint));

    internal void OnConnectionRestored(ConnectionFailedEventArgs e)
    {
        if (e.EndPoint is null)
        {
            return;
        }

        var endPoint = RedisEndPointFormatter.Format(e.EndPoint);
        Outage? outage;
        lock (_lock)
        {
            _outages.Remove((endPoint, e.ConnectionType), out outage);
        }

        if (outage is not null)
        {
            var now = _timeProvider.GetUtcNow();
            RedisLog.Reconnected(_logger, endPoint, e.ConnectionType, outage.Attempts, (long)(now - outage.Start).TotalMilliseconds);

            // A subscription connection that comes back resubscribes to every channel, so its outage is a resubscribe.
            var name = e.ConnectionType == ConnectionType.Subscription ? RedisTelemetry.ResubscribeActivity : RedisTelemetry.ReconnectActivity;
            RecordSpan(name, outage.Start, now, [new(RedisTelemetry.EndPointTag, endPoint), new(RedisTelemetry.AttemptTag, outage.Attempts)]);
        }

        // A pending sentinel failover is not ended by this (RedisConnectionState.ReportRestored); its tracker ends it.
        if (e.ConnectionType == ConnectionType.Interactive && _reportsState)
        {
            _state.ReportRestored(endPoint);
        }
    }

    /// <summary>
    /// Records a finished span. Spans are made when the outcome is known, with the start time of the outage, so no
    /// long-lived <see cref="Activity.Current"/> leaks into commands that run meanwhile; they are roots, because the
    /// event may be raised inside whatever command happened to notice the failure.
    /// </summary>
    private void RecordSpan(string name, DateTimeOffset start, DateTimeOffset end, KeyValuePair<string, object?>[] tags)
    {
        var previous = Activity.Current;
        Activity.Current = null;
        try
        {
            using var activity = RedisTelemetry.ActivitySource.StartActivity(name, ActivityKind.Internal, default(ActivityContext), tags, startTime: start);
            activity?.SetEndTime(end.UtcDateTime);
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    private void Guard(Action handler)
    {
        try
        {
            handler();
        }
        catch (Exception ex)
        {
            // StackExchange.Redis raises these events on its own threads; an exception there would end up unobserved.
            RedisLog.EventHandlerFailed(_logger, ex);
        }
    }

    private sealed class Outage(DateTimeOffset start, ConnectionFailureType failureType, string meaning)
    {
        public DateTimeOffset Start { get; } = start;

        public ConnectionFailureType FailureType { get; } = failureType;

        public string Meaning { get; } = meaning;

        public long Attempts { get; set; } = 1;

        /// <summary>Gets or sets when this outage was last logged; the first failure is logged as it begins.</summary>
        public DateTimeOffset LastReport { get; set; } = start;

        /// <summary>Gets or sets the attempt count in that log line.</summary>
        public long ReportedAttempts { get; set; } = 1;
    }
}
