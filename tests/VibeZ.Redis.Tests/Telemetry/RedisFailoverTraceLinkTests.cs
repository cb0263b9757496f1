using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Trace;
using StackExchange.Redis;
using VibeZ.Redis.Resilience;
using VibeZ.Redis.Telemetry;

namespace VibeZ.Redis.Tests.Telemetry;

/// <summary>
/// Operations retried because of a failover point to its <c>redis.failover</c> span, as exported: each resilient
/// operation has a span of its own (<c>redis.op {name}</c>) for the link to live on.
/// </summary>
public sealed class RedisFailoverTraceLinkTests : IDisposable
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new();
    private readonly List<Activity> _spans = [];
    private readonly IHost _host;

    // Names of their own: the source is process-wide, so other tests' spans reach this exporter too.
    private readonly string _operation = $"test.link.{Guid.NewGuid():N}";
    private readonly string _oldMaster = $"old-{Guid.NewGuid():N}:6379";

    public RedisFailoverTraceLinkTests()
    {
        _host = RedisResilienceTestHost.Build(_time, services => services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(RedisTelemetry.SourceName).AddProcessor(new Recorder(_spans))));
        _ = _host.Services.GetRequiredService<TracerProvider>();
    }

    private RedisFailoverSpan Failover => _host.Services.GetRequiredService<RedisFailoverSpan>();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task AnOperationRetriedDuringAFailoverLinksToTheFailoverSpan()
    {
        Failover.Begin(_oldMaster, _time.GetUtcNow());
        var attempts = 0;

        await RunAsync(() => ++attempts < 3 ? Lost() : Task.FromResult(true));
        Failover.Complete("new:6380", _time.GetUtcNow());

        var (operation, failover) = Exported();
        var link = Assert.Single(operation.Links);
        Assert.Equal((failover.TraceId, failover.SpanId), (link.Context.TraceId, link.Context.SpanId));
        Assert.Equal(3, operation.GetTagItem(RedisTelemetry.AttemptsTag));
        Assert.Equal("new:6380", failover.GetTagItem(RedisTelemetry.NewMasterTag));

        // Linked, not nested: the failover is not the parent of the commands that ran while it did, nor they of it.
        Assert.NotEqual(failover.TraceId, operation.TraceId);
        Assert.Equal(default, failover.ParentSpanId);
    }

    [Fact]
    public async Task AnAttemptThatFailedAsTheFailoverEndedStillLinksItsRetryToIt()
    {
        Failover.Begin(_oldMaster, _time.GetUtcNow());
        var attempts = 0;

        // The new master takes over while the first attempt is still out; the retry comes after the failover ended.
        await RunAsync(() =>
        {
            if (++attempts == 1)
            {
                Failover.Complete("new:6380", _time.GetUtcNow());
                return Lost();
            }

            return Task.FromResult(true);
        });

        var (operation, failover) = Exported();
        Assert.Equal(failover.SpanId, Assert.Single(operation.Links).Context.SpanId);
    }

    [Fact]
    public async Task AnOperationNotRetriedOrRetriedOutsideAFailoverHasNoLink()
    {
        Failover.Begin(_oldMaster, _time.GetUtcNow());
        await RunAsync(() => Task.FromResult(true));
        Failover.Complete("new:6380", _time.GetUtcNow());
        _time.Advance(TimeSpan.FromSeconds(5));
        var attempts = 0;
        await RunAsync(() => ++attempts < 2 ? Lost() : Task.FromResult(true));

        var operations = Flush().Where(s => s.OperationName == RedisTelemetry.OperationActivityPrefix + _operation).ToList();
        Assert.Equal(2, operations.Count);
        Assert.All(operations, o => Assert.Empty(o.Links));
    }

    [Fact]
    public void AFailoverThatDidNotHappenIsNotExported()
    {
        Failover.Begin(_oldMaster, _time.GetUtcNow());
        Assert.NotNull(Failover.Current);

        Failover.Abandon();

        Assert.Null(Failover.Current);
        Assert.DoesNotContain(Flush(), s => (string?)s.GetTagItem(RedisTelemetry.OldMasterTag) == _oldMaster);
    }

    private static Task<bool> Lost() => Task.FromException<bool>(new RedisConnectionException(ConnectionFailureType.SocketClosed, "connection lost"));

    private Task<bool> RunAsync(Func<Task<bool>> attempt) =>
        _time.AdvanceUntilDoneAsync(
            _host.Services.GetRequiredService<IRedisResilience>().ExecuteIdempotentAsync(_operation, (_, _) => attempt(), TestContext.Current.CancellationToken),
            Step,
            Limit);

    private (Activity Operation, Activity Failover) Exported()
    {
        var spans = Flush();
        var names = string.Join(", ", spans.Select(s => s.OperationName));
        var operation = spans.SingleOrDefault(s => s.OperationName == RedisTelemetry.OperationActivityPrefix + _operation)
            ?? throw new InvalidOperationException($"No span for {_operation} was exported; saw: {names}");
        var failover = spans.SingleOrDefault(s => s.OperationName == RedisTelemetry.FailoverActivity && (string?)s.GetTagItem(RedisTelemetry.OldMasterTag) == _oldMaster)
            ?? throw new InvalidOperationException($"No redis.failover span from {_oldMaster} was exported; saw: {names}");
        return (operation, failover);
    }

    private List<Activity> Flush()
    {
        _host.Services.GetRequiredService<TracerProvider>().ForceFlush();
        lock (_spans)
        {
            return [.. _spans];
        }
    }

    /// <summary>
    /// Keeps every ended span an exporter would get (recorded), under the same lock <see cref="Flush"/> reads with: the source is process-wide, so
    /// other tests end spans on other threads while this one reads (the in-memory exporter's list takes no lock).
    /// </summary>
    private sealed class Recorder(List<Activity> spans) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data)
        {
            if (!data.Recorded)
            {
                return;
            }

            lock (spans)
            {
                spans.Add(data);
            }
        }
    }
}
