using Spectre.Console;

namespace VibeZ.Bench.Report;

/// <summary>The table printed at the end of a run.</summary>
internal static class ConsoleReport
{
    public static void Print(BenchSummary summary, string directory)
    {
        var table = new Table().Title($"{summary.Scenario}: {summary.Audience()}, {summary.MessageBytes} B, {summary.Mode}");
        table.AddColumns("system", "deliveries/s", "msg/s", "p50 ms", "p99 ms", "p99.9 ms", "CPU % by process", "first failure");
        foreach (var system in summary.Systems)
        {
            table.AddRow(
                Markup.Escape(system.Name),
                $"{system.DeliveriesPerSecond:N0}{(system.CeilingNotReached ? "+" : "")}",
                $"{system.MessagesPerSecond:N0}",
                $"{system.P50Ms}",
                $"{system.P99Ms}",
                $"{system.P999Ms}",
                Markup.Escape(SummaryWriter.Cpu(system.CpuPercent)),
                Markup.Escape(system.FirstFailure ?? ""));
        }

        AnsiConsole.Write(table);
        foreach (var (name, ratio) in summary.Ratios)
        {
            AnsiConsole.MarkupLine($"{Markup.Escape(name)}: [bold]{ratio:0.00}[/]");
        }

        AnsiConsole.MarkupLine($"Written to [link]{Markup.Escape(directory)}[/]");
    }
}
