using System.Globalization;
using System.Text;
using Spectre.Console;
using VibeZ.Bench.Report;

namespace VibeZ.Bench.Scenarios.Failover;

/// <summary>Writes the <c>failover</c> summary.json and summary.md, and prints the table.</summary>
internal static class FailoverReport
{
    public static Task WriteAsync(FailoverSummary summary, string directory) => SummaryWriter.WriteFilesAsync(summary, Markdown(summary), directory);

    public static void Print(FailoverSummary summary, string directory)
    {
        AnsiConsole.WriteLine(Markdown(summary));
        AnsiConsole.MarkupLine($"written to [bold]{Markup.Escape(directory)}[/]");
    }

    public static string Markdown(FailoverSummary summary)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"# failover: {summary.Subscribers} subscribers, {summary.MessagesPerSecond:0} messages/s, {summary.MessageBytes} B, {summary.Replicas} replica(s), master killed at {summary.CrashAtSeconds:0.#} s of {summary.SendSeconds:0.#} s ({summary.Mode})");
        md.AppendLine();
        SummaryWriter.AppendRun(md, summary.Command, summary.StartedAt, summary.DurationSeconds, summary.Machine);
        md.AppendLine(CultureInfo.InvariantCulture, $"A failed publish is sent again after {summary.ResendBackoffMs:0} ms, with the same id for VibeZ (retryable errors only).");
        md.AppendLine();
        md.AppendLine("| system | sent | resends | acked | failed | unacked | delivered per subscriber | acked but lost | duplicates | reordered | publish gap ms | crash → first ack ms | crash → first new delivery ms | p50 ms | p99 ms | errors |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var s in summary.Systems)
        {
            var errors = string.Join(" ", s.Errors.Select(e => $"{e.Key}:{e.Value}"));
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.Name} | {s.Sent} | {s.Resends} | {s.Acked} | {s.Failed} | {s.Unacked} | {string.Join(" / ", s.DeliveredPerSubscriber)} | {s.Lost} | {s.Duplicates} | {s.Reordered} | {s.PublishGapMs:0} | {Ms(s.CrashToFirstAckMs)} | {Ms(s.CrashToFirstDeliveryMs)} | {s.P50Ms} | {s.P99Ms} | {errors} |");
        }

        md.AppendLine();
        foreach (var s in summary.Systems)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- `{s.Name}`: master {s.MasterBefore} before, {s.MasterAfter} after{(s.PublisherEnded is null ? "" : "; the publisher's connection ended: " + s.PublisherEnded)}{(s.LostSample.Count > 0 ? "; first lost sequences " + string.Join(", ", s.LostSample) : "")}.");
        }

        SummaryWriter.AppendSystems(md, summary.Systems.Select(s => (s.Name, s.Description)));
        return md.ToString();
    }

    private static string Ms(double? value) => value is { } ms ? ms.ToString("0", CultureInfo.InvariantCulture) : "none";
}
