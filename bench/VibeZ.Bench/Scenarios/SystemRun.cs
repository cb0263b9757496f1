using HdrHistogram;
using VibeZ.Bench.Load;
using VibeZ.Bench.Measure;
using VibeZ.Bench.Systems;

namespace VibeZ.Bench.Scenarios;

/// <summary>One system's clients for a whole run (connected once, kept across steps) and its step results.</summary>
internal sealed class SystemRun : IAsyncDisposable
{
    // Connecting a thousand subscribers one by one takes long; all at once would measure the connect storm instead.
    public const int ConnectBatch = 50;

    private static int s_steps;

    private readonly FanoutSettings _settings;
    private readonly DeliveryBoard _board = new();
    private readonly List<IAsyncDisposable> _subscribers = [];
    private readonly List<IBenchPublisher> _publishers = [];
    private readonly Dictionary<string, long> _errorsSoFar = [];
    private long[] _nextSequence = [];

    private SystemRun(IBenchSystem system, FanoutSettings settings)
    {
        System = system;
        _settings = settings;
    }

    public IBenchSystem System { get; }

    public List<StepResult> Steps { get; } = [];

    /// <summary>Gets whether the system still sustained every rate so far (its last step, a rate's first try or its second, passed).</summary>
    public bool Sustaining => Steps.Count == 0 || Steps[^1].Passed;

    /// <summary>
    /// Connects the subscribers and publishers. Subscriber <c>i</c> takes channel <c>i / subscribers per channel</c>:
    /// neighbours share a channel, and since clients alternate between server processes, every channel with two or
    /// more subscribers has them on different processes, so its messages cross processes through Redis.
    /// </summary>
    public static async Task<SystemRun> ConnectAsync(IBenchSystem system, FanoutSettings settings, string channelPrefix, CancellationToken cancellationToken)
    {
        var run = new SystemRun(system, settings);
        string[] channels = settings.Channels == 1
            ? [channelPrefix]
            : [.. Enumerable.Range(0, settings.Channels).Select(c => $"{channelPrefix}-{c:D5}")];
        try
        {
            for (var first = 0; first < settings.Subscribers; first += ConnectBatch)
            {
                var batch = Enumerable.Range(first, Math.Min(ConnectBatch, settings.Subscribers - first))
                    .Select(i => system.SubscribeAsync(i, channels[i / settings.SubscribersPerChannel], run._board, cancellationToken));
                run._subscribers.AddRange(await Task.WhenAll(batch));
            }

            for (var i = 0; i < settings.Publishers; i++)
            {
                run._publishers.Add(await system.ConnectPublisherAsync(i, channels, settings.MessageBytes, cancellationToken));
            }

            run._nextSequence = [.. run._publishers.Select(_ => 1L)];
            return run;
        }
        catch
        {
            await run.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs one step that is not recorded, so that the first measured step does not pay for just-in-time compilation,
    /// connection pools and the first Redis scripts on either side.
    /// </summary>
    public Task WarmUpAsync(double offeredDeliveriesPerSecond, CancellationToken cancellationToken) =>
        RunStepAsync(offeredDeliveriesPerSecond, record: false, cancellationToken);

    /// <summary>Runs one step at <paramref name="offeredDeliveriesPerSecond"/> and records its result.</summary>
    public Task<StepResult> RunStepAsync(double offeredDeliveriesPerSecond, CancellationToken cancellationToken) =>
        RunStepAsync(offeredDeliveriesPerSecond, record: true, cancellationToken);

    private async Task<StepResult> RunStepAsync(double offeredDeliveriesPerSecond, bool record, CancellationToken cancellationToken)
    {
        var step = Interlocked.Increment(ref s_steps);
        var messagesPerSecond = offeredDeliveriesPerSecond / _settings.SubscribersPerChannel;
        var perPublisher = messagesPerSecond / _publishers.Count;
        var start = BenchClock.NowMicros + 20_000;
        var windowStart = start + Micros(_settings.Warmup);
        var windowEnd = start + Micros(_settings.Step);
        var recorder = new StepRecorder(step, windowStart, windowEnd);
        _board.Current = recorder;

        var cpu = MeasureCpuAsync(windowStart, windowEnd);
        var publishing = _publishers.Select((publisher, i) => OpenLoopPublisher.RunAsync(
            publisher, step, _nextSequence[i], perPublisher, start + (long)(i * 1_000_000 / messagesPerSecond), _settings.Step, _settings.Drain, cancellationToken));
        var published = await Task.WhenAll(publishing);
        for (var i = 0; i < published.Length; i++)
        {
            _nextSequence[i] += published[i].Scheduled;
        }

        var scheduled = published.Sum(p => p.Scheduled);
        var sent = published.Sum(p => p.Sent);
        var expected = scheduled * _settings.SubscribersPerChannel;
        var drainUntil = windowEnd + Micros(_settings.Drain);
        while (recorder.Delivered < sent * _settings.SubscribersPerChannel && BenchClock.NowMicros < drainUntil)
        {
            await Task.Delay(10, CancellationToken.None);
        }

        _board.Current = null;
        var result = Summarize(recorder, offeredDeliveriesPerSecond, messagesPerSecond, published, expected, await cpu);
        if (record)
        {
            Steps.Add(result);
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _publishers.Cast<IAsyncDisposable>().Concat(_subscribers))
        {
            await client.DisposeAsync();
        }
    }

    private StepResult Summarize(StepRecorder recorder, double offered, double messagesPerSecond, PublishStats[] published, long expected, Dictionary<string, double> cpu)
    {
        var latency = recorder.Latency;
        double? Percentile(double p) => latency.TotalCount == 0 ? null : Math.Round(latency.GetValueAtPercentile(p) / 1000.0, 2);
        var errors = NewErrors();
        var ended = _publishers.Select(p => p.Ended).FirstOrDefault(e => e is not null);
        var missing = expected - recorder.Delivered;
        var p99 = Percentile(99);
        string? failure =
            ended is not null ? "a publisher's connection ended: " + ended
            : recorder.Delivered == 0 ? "nothing was delivered"
            : missing > expected * FanoutSettings.MissingLimit ? $"{missing} of {expected} deliveries missing"
            : p99 > _settings.P99LimitMs ? $"p99 {p99} ms > {_settings.P99LimitMs} ms"
            : null;
        return new StepResult
        {
            OfferedDeliveriesPerSecond = offered,
            MessagesPerSecond = Math.Round(messagesPerSecond, 1),
            DeliveriesPerSecond = Math.Round(recorder.DeliveredInWindow / (_settings.Step - _settings.Warmup).TotalSeconds),
            P50Ms = Percentile(50),
            P99Ms = p99,
            P999Ms = Percentile(99.9),
            MaxMs = latency.TotalCount == 0 ? null : Math.Round(latency.GetMaxValue() / 1000.0, 2),
            Scheduled = published.Sum(p => p.Scheduled),
            Sent = published.Sum(p => p.Sent),
            ExpectedDeliveries = expected,
            Delivered = recorder.Delivered,
            OutOfOrder = recorder.OutOfOrder,
            MaxBacklog = published.Max(p => p.MaxBacklog),
            Errors = errors,
            CpuPercent = cpu,
            Ended = ended,
            Passed = failure is null,
            Failure = failure,
        };
    }

    /// <summary>Errors the system answered since the previous step.</summary>
    private Dictionary<string, long> NewErrors()
    {
        var now = new Dictionary<string, long>();
        foreach (var publisher in _publishers)
        {
            foreach (var (code, count) in publisher.Errors)
            {
                now[code] = now.GetValueOrDefault(code) + count;
            }
        }

        var fresh = new Dictionary<string, long>();
        foreach (var (code, count) in now)
        {
            if (count > _errorsSoFar.GetValueOrDefault(code))
            {
                fresh[code] = count - _errorsSoFar.GetValueOrDefault(code);
            }

            _errorsSoFar[code] = count;
        }

        return fresh;
    }

    private async Task<Dictionary<string, double>> MeasureCpuAsync(long windowStart, long windowEnd)
    {
        await DelayUntil(windowStart);
        var window = CpuWindow.Start(System.Processes);
        await DelayUntil(windowEnd);
        return window.Stop();
    }

    private static async Task DelayUntil(long micros)
    {
        var wait = micros - BenchClock.NowMicros;
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromMicroseconds(wait), CancellationToken.None);
        }
    }

    private static long Micros(TimeSpan span) => span.Ticks / (TimeSpan.TicksPerMillisecond / 1000);
}
