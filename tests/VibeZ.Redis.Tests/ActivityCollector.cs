using System.Collections.Concurrent;
using System.Diagnostics;
using VibeZ.Redis.Telemetry;

namespace VibeZ.Redis.Tests;

/// <summary>Collects finished <c>VibeZ.Redis</c> spans; tests pick theirs by the endpoints they name.</summary>
internal sealed class ActivityCollector : IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public ActivityCollector()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RedisTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Spans with any tag whose value contains <paramref name="endPoint"/>.</summary>
    public List<Activity> For(string endPoint) =>
        [.. _stopped.Where(activity => activity.TagObjects.Any(tag => tag.Value is string value && value.Contains(endPoint, StringComparison.Ordinal)))];

    /// <summary>Gets every span collected so far.</summary>
    public List<Activity> All => [.. _stopped];

    public void Dispose() => _listener.Dispose();
}
