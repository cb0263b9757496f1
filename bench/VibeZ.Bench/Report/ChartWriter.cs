using ScottPlot;

namespace VibeZ.Bench.Report;

/// <summary>Draws the run's PNG charts: p99 latency against offered rate, and the highest sustained rate per system.</summary>
internal static class ChartWriter
{
    public static IReadOnlyList<string> Write(BenchSummary summary, string directory)
    {
        Directory.CreateDirectory(directory);
        var title = $"{summary.Scenario}, {summary.Audience()}, {summary.MessageBytes} B ({summary.Mode})";
        return [Latency(summary, Path.Combine(directory, "p99-latency.png"), title), Sustained(summary, Path.Combine(directory, "sustained-deliveries.png"), title)];
    }

    private static string Latency(BenchSummary summary, string path, string title)
    {
        var plot = new Plot();
        foreach (var system in summary.Systems)
        {
            var steps = system.Steps.Where(s => s.P99Ms is not null).ToList();
            if (steps.Count == 0)
            {
                continue;
            }

            // Rates double from step to step, so the x axis is log10 of the rate, labelled in plain numbers.
            var line = plot.Add.Scatter(steps.Select(s => Math.Log10(s.OfferedDeliveriesPerSecond)).ToArray(), steps.Select(s => Math.Log10(Math.Max(0.1, s.P99Ms!.Value))).ToArray());
            line.LegendText = system.Name;
            line.LineWidth = 2;
            line.MarkerSize = 7;
        }

        var limit = plot.Add.HorizontalLine(Math.Log10(summary.P99LimitMs));
        limit.LinePattern = LinePattern.Dashed;
        limit.LegendText = $"p99 limit {summary.P99LimitMs} ms";
        plot.Axes.Bottom.TickGenerator = LogTicks(2, 7, value => value >= 1e6 ? $"{value / 1e6:0.#}M" : value >= 1e3 ? $"{value / 1e3:0}k" : $"{value:0}");
        plot.Axes.Left.TickGenerator = LogTicks(-1, 4, value => $"{value:0.#}");
        plot.Title(title);
        plot.XLabel("offered deliveries per second");
        plot.YLabel("p99 latency, ms");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 900, 550);
        return path;
    }

    private static string Sustained(BenchSummary summary, string path, string title)
    {
        var plot = new Plot();
        var bars = summary.Systems.Select((system, i) => new Bar
        {
            Position = i,
            Value = system.DeliveriesPerSecond,
            FillColor = Colors.Category10[i % Colors.Category10.Length],
            Label = $"{system.DeliveriesPerSecond:N0}{(system.CeilingNotReached ? "+" : "")}",
        }).ToList();
        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks([.. summary.Systems.Select((_, i) => (double)i)], [.. summary.Systems.Select(s => s.Name)]);
        plot.Axes.Margins(bottom: 0, top: 0.15);
        plot.Title(title);
        plot.YLabel($"deliveries/s sustained at p99 ≤ {summary.P99LimitMs} ms");
        plot.SavePng(path, 900, 550);
        return path;
    }

    private static ScottPlot.TickGenerators.NumericManual LogTicks(int fromPower, int toPower, Func<double, string> label)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (var power = fromPower; power <= toPower; power++)
        {
            foreach (var factor in new[] { 1, 2, 5 })
            {
                var value = factor * Math.Pow(10, power);
                if (factor == 1)
                {
                    ticks.AddMajor(Math.Log10(value), label(value));
                }
                else
                {
                    ticks.AddMinor(Math.Log10(value));
                }
            }
        }

        return ticks;
    }
}
