using VibeZ.Bench.Scenarios;
using VibeZ.Bench.Systems;

namespace VibeZ.Bench.Report;

/// <summary>Turns every system's steps into summary.json's shape: best sustained rate, common rate, ratios.</summary>
internal static class SummaryBuilder
{
    public static BenchSummary Build(FanoutSettings settings, IReadOnlyList<SystemRun> runs, string command, RunStart start)
    {
        var common = settings.Rates
            .Where(rate => runs.All(run => run.Steps.Any(step => step.OfferedDeliveriesPerSecond == rate && step.Passed)))
            .Select(rate => (double?)rate)
            .LastOrDefault();
        var systems = runs.Select(run => Summarize(run, common)).ToList();
        return new BenchSummary
        {
            Scenario = settings.Scenario,
            Subscribers = settings.Subscribers,
            Publishers = settings.Publishers,
            Channels = settings.Channels,
            SubscribersPerChannel = settings.SubscribersPerChannel,
            MessageBytes = settings.MessageBytes,
            Mode = settings.Mode,
            StepSeconds = settings.Step.TotalSeconds,
            P99LimitMs = settings.P99LimitMs,
            CommonDeliveriesPerSecond = common,
            Systems = systems,
            Ratios = Ratios(systems),
            Machine = start.Machine(),
            Command = command,
            StartedAt = start.StartedAt,
            DurationSeconds = start.DurationSeconds(),
        };
    }

    private static SystemSummary Summarize(SystemRun run, double? common)
    {
        var best = run.Steps.Where(step => step.Passed).MaxBy(step => step.OfferedDeliveriesPerSecond);
        return new SystemSummary
        {
            Name = run.System.Name,
            Description = run.System.Description,
            DeliveriesPerSecond = best?.DeliveriesPerSecond ?? 0,
            MessagesPerSecond = best?.MessagesPerSecond ?? 0,
            P50Ms = best?.P50Ms,
            P99Ms = best?.P99Ms,
            P999Ms = best?.P999Ms,
            CpuPercent = (best ?? run.Steps.FirstOrDefault())?.CpuPercent ?? new Dictionary<string, double>(),
            CeilingNotReached = run.Steps.Count > 0 && run.Steps[^1].Passed,
            AtCommonRate = common is null ? null : run.Steps.LastOrDefault(step => step.OfferedDeliveriesPerSecond == common && step.Passed),
            FirstFailure = run.Steps is [.., { Passed: false } last] ? last.Failure : null,
            Steps = run.Steps,
        };
    }

    private static Dictionary<string, double> Ratios(IReadOnlyList<SystemSummary> systems)
    {
        var ratios = new Dictionary<string, double>();
        foreach (var vibez in systems.Where(s => s.Name is BenchTopology.Vibez or BenchTopology.VibezLeader or BenchTopology.VibezCluster))
        {
            foreach (var other in systems.Where(s => s.Name is BenchTopology.SignalR or BenchTopology.Redis or BenchTopology.RedisCluster && s.DeliveriesPerSecond > 0))
            {
                ratios[$"{vibez.Name}/{other.Name}"] = Math.Round(vibez.DeliveriesPerSecond / other.DeliveriesPerSecond, 3);
            }
        }

        return ratios;
    }
}
