using System.Globalization;
using System.Text;
using ScottPlot;
using Spectre.Console;
using VibeZ.Bench.Report;

namespace VibeZ.Bench.Scenarios.Connections;

/// <summary>The <c>connections</c> run's summary.json, summary.md, chart and console table.</summary>
internal static class ConnectionsReport
{
    public static async Task WriteAsync(ConnectionsSummary summary, string directory)
    {
        await SummaryWriter.WriteFilesAsync(summary, Markdown(summary), directory);
        Chart(summary, Path.Combine(directory, "memory-per-connection.png"));
    }

    public static void Print(ConnectionsSummary summary, string directory)
    {
        var table = new Table().Title($"connections: {summary.Subscribers:N0} idle connections on one server process, {summary.Mode}");
        table.AddColumns("system", "RSS before → after MiB", "RSS / conn KiB", "GC heap before → after MiB", "heap / conn KiB", "connect s", "idle CPU %", "check delivered", "check p99 ms");
        foreach (var system in summary.Systems)
        {
            table.AddRow(Row(system).Select(Markup.Escape).ToArray());
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"Written to [link]{Markup.Escape(directory)}[/]");
    }

    private static string[] Row(ConnectionsSystemSummary s) =>
    [
        s.Name,
        $"{MiB(s.RssBeforeBytes)} → {MiB(s.RssAfterBytes)}",
        KiB(s.RssPerConnectionBytes),
        $"{MiB(s.GcHeapBeforeBytes)} → {MiB(s.GcHeapAfterBytes)}",
        KiB(s.GcHeapPerConnectionBytes),
        s.ConnectSeconds.ToString("0.0", CultureInfo.InvariantCulture),
        SummaryWriter.Cpu(s.CpuPercent),
        $"{s.CheckDelivered:N0} / {s.CheckExpected:N0}",
        $"{s.P99Ms}",
    ];

    private static string Markdown(ConnectionsSummary summary)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# connections: {summary.Subscribers:N0} idle connections on one server process, each on a channel of its own ({summary.Mode})");
        md.AppendLine();
        SummaryWriter.AppendRun(md, summary.Command, summary.StartedAt, summary.DurationSeconds, summary.Machine);
        md.AppendLine(CultureInfo.InvariantCulture, $"Per connection = (after − before) / {summary.Connections:N0} connections (the subscribers and the one publisher of the check). GC heap = live managed heap after a full collection forced over EventPipe. Connected {summary.ConnectConcurrency} at a time; idle CPU over {summary.IdleSeconds} s. Open-files limits (soft/hard): {string.Join(", ", summary.FileDescriptorLimits.Select(l => $"{l.Key} {l.Value}"))}.");
        md.AppendLine();
        md.AppendLine("| system | RSS before → after MiB | RSS / connection KiB | GC heap before → after MiB | heap / connection KiB | connect all, s | idle CPU % | check: delivered / expected | check p99 ms |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---|---:|---:|");
        foreach (var system in summary.Systems)
        {
            md.AppendLine("| " + string.Join(" | ", Row(system)) + " |");
        }

        SummaryWriter.AppendSystems(md, summary.Systems.Select(s => (s.Name, s.Description)));
        return md.ToString();
    }

    private static void Chart(ConnectionsSummary summary, string path)
    {
        var plot = new Plot();
        var bars = new List<Bar>();
        for (var i = 0; i < summary.Systems.Count; i++)
        {
            var system = summary.Systems[i];
            bars.Add(new Bar { Position = i * 3, Value = system.RssPerConnectionBytes / 1024.0, FillColor = Colors.Category10[0], Label = KiB(system.RssPerConnectionBytes) + " RSS" });
            bars.Add(new Bar { Position = i * 3 + 1, Value = system.GcHeapPerConnectionBytes / 1024.0, FillColor = Colors.Category10[1], Label = KiB(system.GcHeapPerConnectionBytes) + " heap" });
        }

        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks([.. summary.Systems.Select((_, i) => i * 3 + 0.5)], [.. summary.Systems.Select(s => s.Name)]);
        plot.Axes.Margins(bottom: 0, top: 0.15);
        plot.Title($"connections: {summary.Subscribers:N0} idle, one server process ({summary.Mode})");
        plot.YLabel("KiB per connection (RSS, GC heap)");
        plot.SavePng(path, 900, 550);
    }

    private static string MiB(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);

    private static string KiB(long bytes) => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);
}
