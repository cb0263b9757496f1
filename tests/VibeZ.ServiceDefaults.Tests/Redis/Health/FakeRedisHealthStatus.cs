using System.Threading.Channels;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using VibeZ.ServiceDefaults.Redis.Health;

namespace VibeZ.ServiceDefaults.Tests.Redis.Health;

/// <summary>Answers each check with the next scripted result (a report, or an exception to throw).</summary>
internal sealed class FakeRedisHealthStatus(params object[] script) : IRedisHealthStatus
{
    private readonly Queue<object> _script = new(script);
    private readonly Channel<int> _checks = Channel.CreateUnbounded<int>();
    private int _count;

    public static RedisHealthReport Healthy { get; } = new(HealthStatus.Healthy, "PING answered in 0.3 ms.");

    public static RedisHealthReport Unhealthy(string reason) => new(HealthStatus.Unhealthy, reason);

    public static RedisHealthReport Degraded(string reason) => new(HealthStatus.Degraded, reason);

    public Task<RedisHealthReport> CheckAsync(CancellationToken cancellationToken = default)
    {
        var next = _script.Count > 0 ? _script.Dequeue() : throw new InvalidOperationException("The script ran out.");
        _checks.Writer.TryWrite(Interlocked.Increment(ref _count));
        return next is Exception exception ? Task.FromException<RedisHealthReport>(exception) : Task.FromResult((RedisHealthReport)next);
    }

    /// <summary>Waits until the monitor has run one more check.</summary>
    public async Task<int> NextCheckAsync() => await TestWait.For(_checks.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask(), "the monitor's next health check");
}
