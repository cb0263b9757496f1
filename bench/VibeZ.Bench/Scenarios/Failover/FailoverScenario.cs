using Spectre.Console;
using VibeZ.Bench.Load;
using VibeZ.Bench.Report;
using VibeZ.Bench.Systems;

namespace VibeZ.Bench.Scenarios.Failover;

/// <summary>
/// A steady publisher on one channel while the sentinel topology's master is killed: for each system, on a sentinel
/// topology of its own that the harness starts and stops, what was acked, what every subscriber received, and how long
/// publishing stalled. Systems run one after another, so each has the machine to itself.
/// </summary>
internal static class FailoverScenario
{
    // Lets the subscriptions settle before the first message.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    public static async Task<FailoverSummary> RunAsync(FailoverSettings settings, string command, CancellationToken cancellationToken)
    {
        var start = RunStart.Now();
        AnsiConsole.MarkupLine(
            $"[bold]failover[/]: {settings.MessagesPerSecond} messages/s to {settings.Subscribers} subscribers, master killed at {settings.CrashAt.TotalSeconds} s of {settings.Duration.TotalSeconds} s; systems {string.Join(", ", settings.Systems)}");
        var results = new List<FailoverSystemSummary>();
        foreach (var name in settings.Systems)
        {
            AnsiConsole.MarkupLine($"{name}: starting a sentinel topology (master, {settings.Replicas} replica(s), 3 sentinels) and two server processes");
            await using IFailoverTarget target = name == BenchTopology.Vibez ? await VibezFailoverTarget.StartAsync(settings.Replicas, settings.Containers) : await SignalRFailoverTarget.StartAsync(settings.Replicas, settings.Containers);
            results.Add(await RunAsync(target, settings, $"bench-failover-{Guid.NewGuid():N}"[..28], cancellationToken));
        }

        var summary = new FailoverSummary
        {
            Scenario = "failover",
            Subscribers = settings.Subscribers,
            Mode = settings.Mode,
            MessagesPerSecond = settings.MessagesPerSecond,
            MessageBytes = FailoverSettings.MessageBytes,
            Replicas = settings.Replicas,
            CrashAtSeconds = settings.CrashAt.TotalSeconds,
            SendSeconds = settings.Duration.TotalSeconds,
            ResendBackoffMs = FailoverSettings.ResendBackoff.TotalMilliseconds,
            Systems = results,
            Machine = start.Machine(),
            Command = command,
            StartedAt = start.StartedAt,
            DurationSeconds = start.DurationSeconds(),
        };
        await FailoverReport.WriteAsync(summary, settings.OutputDirectory);
        FailoverReport.Print(summary, settings.OutputDirectory);
        return summary;
    }

    private static async Task<FailoverSystemSummary> RunAsync(IFailoverTarget target, FailoverSettings settings, string channel, CancellationToken cancellationToken)
    {
        var logs = Enumerable.Range(0, settings.Subscribers).Select(_ => new ArrivalLog()).ToList();
        var subscribers = new List<IAsyncDisposable>();
        var ledger = new PublishLedger();
        using var stopResending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        IFailoverPublisher? publisher = null;
        try
        {
            for (var i = 0; i < settings.Subscribers; i++)
            {
                subscribers.Add(await target.SubscribeAsync(i, channel, logs[i], cancellationToken));
            }

            publisher = await target.ConnectPublisherAsync(channel, ledger, stopResending.Token, cancellationToken);
            var masterBefore = await target.MasterAddressAsync();
            await Task.Delay(Settle, cancellationToken);

            AnsiConsole.MarkupLine($"{target.Name}: publishing; the master ({masterBefore}) is killed at {settings.CrashAt.TotalSeconds} s");
            var start = BenchClock.NowMicros;
            var crashAt = start + (long)(settings.CrashAt.TotalMilliseconds * 1000);
            var end = start + (long)(settings.Duration.TotalMilliseconds * 1000);
            long? crashedAt = null;
            for (long sequence = 0; ; sequence++)
            {
                var due = start + (long)(sequence * 1_000_000 / settings.MessagesPerSecond);
                if (due >= end)
                {
                    break;
                }

                while (BenchClock.NowMicros < due)
                {
                    await Task.Delay(TimeSpan.FromMicroseconds(Math.Max(1000, due - BenchClock.NowMicros)), cancellationToken);
                }

                if (crashedAt is null && BenchClock.NowMicros >= crashAt)
                {
                    target.CrashMaster();
                    crashedAt = BenchClock.NowMicros;
                    AnsiConsole.MarkupLine($"{target.Name}: master killed at {(crashedAt.Value - start) / 1e6:0.00} s");
                }

                publisher.Publish(sequence, due);
            }

            AnsiConsole.MarkupLine($"{target.Name}: sent; waiting up to {settings.Drain.TotalSeconds} s for {ledger.Outstanding} outstanding acks");
            var drainUntil = BenchClock.NowMicros + (long)(settings.Drain.TotalMilliseconds * 1000);
            while (ledger.Outstanding > 0 && BenchClock.NowMicros < drainUntil)
            {
                await Task.Delay(100, cancellationToken);
            }

            await stopResending.CancelAsync();
            await Task.Delay(FailoverSettings.DeliveryGrace, cancellationToken);
            var masterAfter = await target.MasterAddressAsync();
            return FailoverAnalysis.Summarize(target, ledger.Read(), [.. logs.Select(l => l.Read())], start, crashedAt ?? end, end, masterBefore, masterAfter, publisher.Ended);
        }
        finally
        {
            await stopResending.CancelAsync();
            if (publisher is not null)
            {
                await publisher.DisposeAsync();
            }

            foreach (var subscriber in subscribers)
            {
                await subscriber.DisposeAsync();
            }
        }
    }
}
