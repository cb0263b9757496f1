using System.Globalization;
using Spectre.Console;
using VibeZ.Bench.Report;
using VibeZ.Bench.Systems;

namespace VibeZ.Bench.Scenarios;

/// <summary>
/// Publishers, channels and subscribers (one channel for <c>fanout</c>, many small ones for <c>channels</c>): every system takes its turn at each offered rate (A B A B, so the machine's drift
/// hits all of them), rates go up until a system no longer sustains p99 ≤ 50 ms with nothing missing, and the
/// highest rate it did sustain is its result.
/// </summary>
internal static class FanoutScenario
{
    // A short pause between turns lets the previous system's queues and garbage settle before the next one is measured.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);

    public static async Task<BenchSummary> RunAsync(FanoutSettings settings, string command, CancellationToken cancellationToken)
    {
        var start = RunStart.Now();
        var runId = Guid.NewGuid().ToString("N")[..8];
        AnsiConsole.MarkupLine($"[bold]{settings.Scenario}[/]: {settings.Subscribers} subscribers on {settings.Channels} channel(s), {settings.Publishers} publishers, {settings.MessageBytes} B, {settings.Mode} mode; systems {string.Join(", ", settings.Systems)}");

        await using var topology = await BenchTopology.StartAsync(
            settings.Systems, part => AnsiConsole.MarkupLine($"starting {Markup.Escape(part)}"), gatewayEnvironment: settings.GatewayEnvironment, containers: settings.Containers);
        var runs = new List<SystemRun>();
        try
        {
            foreach (var system in topology.Systems)
            {
                AnsiConsole.MarkupLine($"connecting {settings.Subscribers + settings.Publishers} clients to {system.Name}");
                runs.Add(await SystemRun.ConnectAsync(system, settings, $"bench-{runId}-{system.Name}", cancellationToken));
            }

            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    var tasks = runs.ToDictionary(run => run, run => context.AddTask(run.System.Name, maxValue: settings.Rates.Count));
                    foreach (var run in runs)
                    {
                        tasks[run].Description = $"{run.System.Name}: warming up";
                        await run.WarmUpAsync(settings.Rates[0], cancellationToken);
                        await Task.Delay(Settle, cancellationToken);
                    }

                    foreach (var rate in settings.Rates)
                    {
                        foreach (var run in runs.Where(run => run.Sustaining))
                        {
                            tasks[run].Description = $"{run.System.Name}: {rate.ToString("N0", CultureInfo.InvariantCulture)} deliveries/s …";
                            var step = await run.RunStepAsync(rate, cancellationToken);
                            if (!step.Passed)
                            {
                                // One failed step may be the machine's pause, not the system's limit (a 100 ms stall
                                // fails any system's p99): the same rate once more decides, for every system alike.
                                tasks[run].Description = $"{run.System.Name}: {rate.ToString("N0", CultureInfo.InvariantCulture)} deliveries/s again …";
                                await Task.Delay(Settle, cancellationToken);
                                step = await run.RunStepAsync(rate, cancellationToken);
                            }

                            tasks[run].Increment(1);
                            tasks[run].Description = $"{run.System.Name}: {rate.ToString("N0", CultureInfo.InvariantCulture)}/s p99 {step.P99Ms} ms {(step.Passed ? "pass" : "FAIL: " + Markup.Escape(step.Failure!))}";
                            await Task.Delay(Settle, cancellationToken);
                        }
                    }

                    foreach (var task in tasks.Values)
                    {
                        task.Value = task.MaxValue;
                    }
                });
        }
        finally
        {
            foreach (var run in runs)
            {
                await run.DisposeAsync();
            }
        }

        var summary = SummaryBuilder.Build(settings, runs, command, start);
        await SummaryWriter.WriteAsync(summary, settings.OutputDirectory);
        ChartWriter.Write(summary, settings.OutputDirectory);
        ConsoleReport.Print(summary, settings.OutputDirectory);
        return summary;
    }
}
