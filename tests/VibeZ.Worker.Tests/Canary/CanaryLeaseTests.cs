using System.Diagnostics;
using VibeZ.Testing.Processes;
using VibeZ.Worker.Canary;

namespace VibeZ.Worker.Tests.Canary;

/// <summary>Two real Worker processes share one canary through the fenced lease; the holder is killed with SIGKILL.</summary>
[Trait("Category", "Integration")]
public sealed class CanaryLeaseTests : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private GatewayTopology _topology = null!;
    private ServiceProcess[] _workers = [];

    public async ValueTask InitializeAsync()
    {
        _topology = await GatewayTopology.StartAsync("single");
        (string Key, string? Value)[] settings =
        [
            .. _topology.RedisSettings,
            ("Canary__Enabled", "true"),
            ("Canary__PublishVia", _topology.First.WebSocketAddress.ToString()),
            ("Canary__ReceiveVia", _topology.Second.WebSocketAddress.ToString()),
            ("Canary__SigningKey", GatewayTokens.SigningKey),
            ("Canary__IntervalSeconds", Interval.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ];
        var start = ServiceProcess.BuildOutput("VibeZ.Worker");
        _workers = await Task.WhenAll(
            ServiceProcess.StartAsync(start, "/alive", settings, TimeSpan.FromSeconds(30)),
            ServiceProcess.StartAsync(start, "/alive", settings, TimeSpan.FromSeconds(30)));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            await worker.DisposeAsync();
        }

        await _topology.DisposeAsync();
    }

    [Fact]
    [Trait("Timing", "Alone")]
    public async Task AKilledCanaryHolderIsTakenOverByTheOtherWorkerWithinTheLeaseTtlPlusOneInterval()
    {
        var holderPid = await WaitForHolderAsync(pid => pid != 0, "either Worker to take the canary lease");
        var holder = _workers.Single(w => w.ProcessId == holderPid);
        var other = _workers.Single(w => w.ProcessId != holderPid);

        var clock = Stopwatch.StartNew();
        await holder.KillAsync();
        await WaitForHolderAsync(pid => pid == other.ProcessId, $"Worker {other.ProcessId} to take over from killed Worker {holderPid}");
        var takeover = clock.Elapsed;
        TestContext.Current.TestOutputHelper?.WriteLine($"takeover after SIGKILL: {takeover.TotalMilliseconds:F0} ms");

        // Bound: the dead holder's last renewal lives for the TTL (3 intervals), and the other retries every interval.
        var bound = Interval * (CanaryService.LeaseIntervals + 1);
        Assert.True(takeover <= bound + TimeSpan.FromSeconds(1), $"takeover took {takeover.TotalMilliseconds:F0} ms; bound {bound.TotalMilliseconds:F0} ms + 1 s slack");

        await TestWait.Until(async () =>
        {
            using var response = await other.Http.GetAsync("/health");
            var body = await response.Content.ReadAsStringAsync();
            return (HealthAnswer.Status(body) == "Healthy" && other.Output.Contains("This Worker now runs the canary", StringComparison.Ordinal), body);
        }, "the surviving Worker to run the canary and report Healthy");
    }

    private async Task<int> WaitForHolderAsync(Func<int, bool> wanted, string what)
    {
        var redis = _topology.Single!;
        var pid = 0;
        await TestWait.Until(async () =>
        {
            var token = (await RedisCli.RunAsync(redis.Port, redis.Password, "GET", "vibez:lease:{canary}")).Trim();
            pid = int.TryParse(token.Split(':')[0], out var parsed) ? parsed : 0;
            return (wanted(pid), $"lease token '{token}'");
        }, what, TimeSpan.FromSeconds(10));
        return pid;
    }
}
