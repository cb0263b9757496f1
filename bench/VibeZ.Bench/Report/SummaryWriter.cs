using System.Globalization;
using System.Text;
using System.Text.Json;
using VibeZ.Bench.Scenarios;

namespace VibeZ.Bench.Report;

/// <summary>Writes summary.json and summary.md.</summary>
internal static class SummaryWriter
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Task WriteAsync(BenchSummary summary, string directory) => WriteFilesAsync(summary, Markdown(summary), directory);

    /// <summary>Writes any scenario's summary.json (its record as it is) and summary.md into <paramref name="directory"/>.</summary>
    public static async Task WriteFilesAsync<TSummary>(TSummary summary, string markdown, string directory)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "summary.json"), JsonSerializer.Serialize(summary, Json));
        await File.WriteAllTextAsync(Path.Combine(directory, "summary.md"), markdown);
    }

    public static string Markdown(BenchSummary summary)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# {summary.Scenario}: {summary.Audience()}, {summary.Publishers} publishers, {summary.MessageBytes} B messages ({summary.Mode})");
        md.AppendLine();
        AppendRun(md, summary.Command, summary.StartedAt, summary.DurationSeconds, summary.Machine);
        md.AppendLine(CultureInfo.InvariantCulture, $"Highest offered rate sustained with p99 ≤ {summary.P99LimitMs} ms and ≤ {FanoutSettings.MissingLimit:P1} missing, {summary.StepSeconds} s per step:");
        md.AppendLine();
        md.AppendLine("| system | deliveries/s | messages/s | p50 ms | p99 ms | p99.9 ms | CPU % by process | first failure |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---|---|");
        foreach (var system in summary.Systems)
        {
            var ceiling = system.CeilingNotReached ? " (≥, ceiling not reached)" : "";
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {system.Name} | {system.DeliveriesPerSecond:N0}{ceiling} | {system.MessagesPerSecond:N0} | {system.P50Ms} | {system.P99Ms} | {system.P999Ms} | {Cpu(system.CpuPercent)} | {system.FirstFailure} |");
        }

        md.AppendLine();
        if (summary.CommonDeliveriesPerSecond is { } common)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"At the highest rate all sustained, {common:N0} deliveries/s:");
            md.AppendLine();
            md.AppendLine("| system | p50 ms | p99 ms | p99.9 ms | max ms |");
            md.AppendLine("|---|---:|---:|---:|---:|");
            foreach (var system in summary.Systems.Where(s => s.AtCommonRate is not null))
            {
                var step = system.AtCommonRate!;
                md.AppendLine(CultureInfo.InvariantCulture, $"| {system.Name} | {step.P50Ms} | {step.P99Ms} | {step.P999Ms} | {step.MaxMs} |");
            }

            md.AppendLine();
        }

        if (summary.Ratios.Count > 0)
        {
            md.AppendLine("Ratios of sustained deliveries/s: " + string.Join(", ", summary.Ratios.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Key} = {r.Value:0.00}"))) + ".");
            md.AppendLine();
        }

        md.AppendLine("Every step:");
        md.AppendLine();
        md.AppendLine("| system | offered/s | delivered/s | p50 | p99 | p99.9 | max | missing | out of order | backlog | errors | result |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var system in summary.Systems)
        {
            foreach (var step in system.Steps)
            {
                var errors = string.Join(" ", step.Errors.Select(e => $"{e.Key}:{e.Value}"));
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {system.Name} | {step.OfferedDeliveriesPerSecond:N0} | {step.DeliveriesPerSecond:N0} | {step.P50Ms} | {step.P99Ms} | {step.P999Ms} | {step.MaxMs} | {step.ExpectedDeliveries - step.Delivered} | {step.OutOfOrder} | {step.MaxBacklog} | {errors} | {(step.Passed ? "pass" : step.Failure)} |");
            }
        }

        AppendSystems(md, summary.Systems.Select(s => (s.Name, s.Description)));
        return md.ToString();
    }

    /// <summary>Says in a summary.md how the run was started, when, for how long and on what machine, then a blank line.</summary>
    public static void AppendRun(StringBuilder md, string command, DateTimeOffset startedAt, double durationSeconds, MachineInfo machine)
    {
        md.AppendLine(CultureInfo.InvariantCulture, $"`{command}` — {startedAt:u}, {durationSeconds} s; {machine.Cores} cores ({machine.Cpu}), {machine.Memory}, load average {machine.LoadAverageAtStart} at start, {machine.LoadAverageAtEnd} at end.");
        md.AppendLine();
    }

    /// <summary>Ends a summary.md with what each system ran.</summary>
    public static void AppendSystems(StringBuilder md, IEnumerable<(string Name, string Description)> systems)
    {
        md.AppendLine();
        md.AppendLine("Systems:");
        md.AppendLine();
        foreach (var (name, description) in systems)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- `{name}`: {description}");
        }
    }

    public static string Cpu(IReadOnlyDictionary<string, double> cpu) =>
        string.Join(", ", cpu.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Value:0}")));
}
