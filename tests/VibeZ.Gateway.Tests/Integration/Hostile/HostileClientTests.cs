using System.Diagnostics;
using VibeZ.Gateway.Tests.Infrastructure;

namespace VibeZ.Gateway.Tests.Integration.Hostile;

/// <summary>
/// One client misbehaving in every way docs/limits.md bounds must not cost a well-behaved client on the same Gateway
/// its latency: the limits answer the hostile client, and nobody else waits for it.
/// </summary>
/// <remarks>
/// Timing-sensitive, so it runs alone ([Trait("Timing", "Alone")]): what it measures is the Gateway's isolation, not
/// another test's load. The hostile load is paced, not unbounded, for the same reason: on a 2-core machine a client
/// that spins the CPU slows every process there, which no Gateway can prevent.
/// </remarks>
[Trait("Category", "Integration")]
[Trait("Timing", "Alone")]
[Collection(GatewayIntegration.Name)]
public sealed class HostileClientTests
{
    private const int Rate = 100;

    // A second and a half for each misbehaviour alone, three seconds for all of them at once.
    private const int PhaseMessages = 150;
    private static readonly TimeSpan MaxP99 = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task AWellBehavedClientKeepsItsP99Under50MsWhileAnotherFloodsChurnsSendsOversizeFramesStopsReadingReadsHistoryAndTricklesHandshakes()
    {
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        await using var gateway = await SingleGateway.StartAsync(redis,
            ("Gateway__CommandsPerSecond", "200"), ("Gateway__CommandBurst", "400"),
            ("Gateway__SendQueueBytes", (256 * 1024).ToString()), ("Gateway__WriteTimeoutSeconds", "2"),
            ("Gateway__RequestHeadersTimeoutSeconds", "1"));

        // 300 messages of 3.4 KiB: every history read is a full page, 300 messages (Gateway:MaxHistoryPageSize) and
        // about 1 MB, just under the page's byte bound (Gateway:MaxHistoryPageBytes, 1 MiB).
        const string archive = "archive";
        var filler = new string('a', 3400);
        await Parallel.ForAsync(0, 300, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = TestContext.Current.CancellationToken },
            async (i, _) => await ProtocolTests.PostAsync(gateway, archive, $$"""{"n":{{i}},"pad":"{{filler}}"}""", key: $"a-{i}"));

        await using var calm = await GatewayClient.ConnectAsync(gateway, "calm");
        await calm.SubscribeAsync("calm");
        await PublishAtRateAsync(calm, "warm-up", 50);
        var quiet = await PublishAtRateAsync(calm, "quiet", PhaseMessages / 2);

        Func<CancellationToken, Task<HostileTally>>[] misbehaviours =
        [
            stop => HostileClients.FloodAsync(gateway, stop),
            stop => HostileClients.ChurnAsync(gateway, stop),
            stop => HostileClients.OversizeAsync(gateway, stop),
            stop => HostileClients.ZeroWindowAsync(gateway, stop),
            stop => HostileClients.ReadHistoryAsync(gateway, archive, stop),
            stop => HostileClients.SlowLorisAsync(gateway, stop),
        ];
        var phases = new List<(string Name, Latencies Latencies, HostileTally[] Tallies)>();
        foreach (var misbehave in misbehaviours)
        {
            var (latencies, tallies) = await UnderAttackAsync(calm, $"phase-{phases.Count}", [misbehave], PhaseMessages);
            phases.Add((tallies[0].Behaviour, latencies, tallies));
        }

        var (together, all) = await UnderAttackAsync(calm, "together", misbehaviours, 2 * PhaseMessages);
        phases.Add(("all at once", together, all));

        var underAttack = new Latencies([.. phases.SelectMany(p => p.Latencies.Milliseconds)]);

        // 1000 history reads at once cost the test process itself a thousand connections and tasks, which on a loaded
        // 2-core machine is the calm client's latency too (measured p99 24-524 ms under load, 38.5 ms quiet): its p99 is
        // reported, not held to 50 ms. What is asserted is that the Gateway answers every read and loses nothing.
        var (burst, burstTallies) = await UnderAttackAsync(calm, "burst", [stop => HostileClients.HistoryBurstAsync(gateway, archive, stop)], PhaseMessages);
        var report = $"quiet: {quiet}\n" + string.Join("\n", phases.Select(p => $"{p.Name}: {p.Latencies}; " + string.Join("; ", p.Tallies.Select(t => t.ToString())))) +
            $"\nunder attack, all phases above: {underAttack}\n1000 concurrent history reads (p99 reported, not asserted): {burst}; {burstTallies[0]}";
        TestContext.Current.TestOutputHelper?.WriteLine(report);

        Assert.DoesNotContain(calm.Frames, f => GatewayClient.Is(f, "error"));

        // Each hostile client got what docs/limits.md promises, alone and together.
        HostileTally[] Of(string behaviour) => [.. phases.SelectMany(p => p.Tallies).Where(t => t.Behaviour == behaviour)];
        Assert.All(Of("flood"), t => Assert.True(t.Answers.ContainsKey("rate_limited"), report));
        Assert.All(Of("flood"), t => Assert.Contains(t.Closes, c => c.StartsWith("1008 rate limit", StringComparison.Ordinal)));
        Assert.All(Of("churn"), t => Assert.True(t.Answers.ContainsKey("rate_limited"), report));
        Assert.All(Of("oversize"), t => Assert.True(t.Answers.ContainsKey("message_too_large"), report));
        Assert.All(Of("oversize"), t => Assert.Contains(t.Closes, c => c.StartsWith("1008 more than 10 invalid frames", StringComparison.Ordinal)));
        Assert.All([.. Of("flood"), .. Of("churn"), .. Of("oversize")], t => Assert.All(t.Closes, c => Assert.StartsWith("1008 ", c)));
        Assert.All(Of("zero-window"), t => Assert.NotEmpty(t.Closes));
        Assert.All(Of("history"), t => Assert.Equal(["ok"], t.Answers.Keys));
        Assert.All(Of("slow-loris"), t => Assert.All(t.Closes, c => Assert.True(c.StartsWith("408 ", StringComparison.Ordinal) || c.StartsWith("closed ", StringComparison.Ordinal),
            $"a slow-loris handshake was not answered 408 or closed within {HostileClients.SlowLorisLimit.TotalSeconds} s of Gateway:RequestHeadersTimeoutSeconds=1: {c}\n{report}")));
        Assert.All(Of("slow-loris"), t => Assert.NotEmpty(t.Closes));

        // Only a page or a clear refusal from the history-read gate (or, past 2000 requests, the per-address HTTP
        // limit); never a 500, a reset or a hang.
        var burstAnswers = burstTallies[0].Answers.Keys;
        Assert.All(burstAnswers, a => Assert.True(a is "ok" or "HTTP 429 too_many_history_reads" or "HTTP 429 rate_limited" || a.StartsWith("HTTP 503 ", StringComparison.Ordinal),
            $"a read of the burst got '{a}'\n{report}"));
        Assert.Contains("ok", burstAnswers);
        Assert.Contains("HTTP 429 too_many_history_reads", burstAnswers);
        Assert.False(gateway.HasExited, "the Gateway exited");

        // Last, so that a run on a loaded machine still shows whether every hostile client got its answer.
        Assert.True(underAttack.P(0.99) < MaxP99.TotalMilliseconds, $"the well-behaved client's p99 is {underAttack.P(0.99):F1} ms, limit {MaxP99.TotalMilliseconds} ms\n{report}");
    }

    /// <summary>Runs the misbehaviours while the calm client publishes <paramref name="count"/> messages, then stops them.</summary>
    private static async Task<(Latencies Latencies, HostileTally[] Tallies)> UnderAttackAsync(
        GatewayClient calm, string phase, IEnumerable<Func<CancellationToken, Task<HostileTally>>> misbehaviours, int count)
    {
        using var stop = new CancellationTokenSource();
        var hostile = misbehaviours.Select(m => m(stop.Token)).ToList();
        var latencies = await PublishAtRateAsync(calm, phase, count);
        await stop.CancelAsync();
        return (latencies, await TestWait.For(Task.WhenAll(hostile), "the hostile clients to stop"));
    }

    /// <summary>
    /// Publishes <paramref name="count"/> messages into the client's own channel at <see cref="Rate"/> a second and
    /// waits until each is acked and delivered back, exactly once and in order; returns each one's publish→delivery time.
    /// </summary>
    private static async Task<Latencies> PublishAtRateAsync(GatewayClient client, string phase, int count)
    {
        var sent = new long[count];
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            var due = start + (i * Stopwatch.Frequency / Rate);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, TestContext.Current.CancellationToken);
            }

            sent[i] = Stopwatch.GetTimestamp();
            await client.SendAsync(new { type = "publish", channel = "calm", data = i, id = $"{phase}-{i}" });
        }

        bool Mine(System.Text.Json.Nodes.JsonObject f) => ((string?)f["id"])?.StartsWith(phase + "-", StringComparison.Ordinal) == true;
        await client.WaitForCountAsync(f => GatewayClient.Is(f, "ack") && Mine(f), count, $"acks of the {phase} phase");
        await client.WaitForCountAsync(f => GatewayClient.IsMessage(f, "calm") && Mine(f), count, $"deliveries of the {phase} phase");

        var delivered = client.TimedFrames.Where(t => GatewayClient.IsMessage(t.Frame, "calm") && Mine(t.Frame)).ToList();
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"{phase}-{i}"), delivered.Select(t => (string?)t.Frame["id"]));
        var offsets = delivered.Select(t => (long)t.Frame["offset"]!).ToList();
        Assert.Equal(Enumerable.Range(0, count).Select(i => offsets[0] + i), offsets);
        return new Latencies([.. delivered.Select((t, i) => Stopwatch.GetElapsedTime(sent[i], t.Timestamp).TotalMilliseconds)]);
    }

    private sealed class Latencies(double[] milliseconds)
    {
        private readonly double[] _sorted = [.. milliseconds.Order()];

        public IReadOnlyList<double> Milliseconds => _sorted;

        /// <summary>The <paramref name="quantile"/> (nearest rank), in milliseconds.</summary>
        public double P(double quantile) => _sorted[Math.Max(0, (int)Math.Ceiling(quantile * _sorted.Length) - 1)];

        public override string ToString() => $"{_sorted.Length} messages, p50 {P(0.5):F1} ms, p99 {P(0.99):F1} ms, max {P(1):F1} ms";
    }
}
