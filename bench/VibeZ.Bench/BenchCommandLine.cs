using System.CommandLine;
using VibeZ.Bench.Scenarios;
using VibeZ.Bench.Systems;

namespace VibeZ.Bench;

/// <summary>The harness's commands: one per scenario, each starting the topology it needs.</summary>
internal static class BenchCommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("Measures VibeZ against the SignalR Redis backplane and raw Redis pub/sub, side by side in one run (docs/benchmarks.md).");
        root.Subcommands.Add(Fanout());
        return root;
    }

    private static Command Fanout()
    {
        var subscribers = new Option<int>("--subscribers") { Description = "Subscribers of the one channel.", DefaultValueFactory = _ => 10 };
        var publishers = new Option<int>("--publishers") { Description = "Publishing clients; the rate is split evenly between them.", DefaultValueFactory = _ => 2 };
        var size = new Option<int>("--size") { Description = "Bytes of application data per message (at least 40).", DefaultValueFactory = _ => 64 };
        var quick = new Option<bool>("--quick") { Description = "A short run (under 3 minutes): 3 s steps, rates doubling." };
        var smoke = new Option<bool>("--smoke") { Description = "Seconds, tiny load: one low rate, to check that the harness works." };
        var systems = new Option<string[]>("--systems")
        {
            Description = $"Systems to run, in turn order: {string.Join(", ", BenchTopology.AllSystems)}.",
            DefaultValueFactory = _ => [.. BenchTopology.AllSystems],
            AllowMultipleArgumentsPerToken = true,
        };
        var rates = new Option<double[]>("--rates") { Description = "Offered deliveries per second to try, instead of the mode's ladder.", AllowMultipleArgumentsPerToken = true };
        var stepSeconds = new Option<double?>("--step-seconds") { Description = "Seconds per step, instead of the mode's (longer steps for profiling a fixed rate)." };
        var output = new Option<string?>("--output") { Description = "Output folder; default artifacts/bench/<scenario>-s<subscribers> under the repository." };

        var command = new Command("fanout", "One channel, many subscribers: the highest rate each system sustains with p99 ≤ 50 ms.")
        {
            subscribers, publishers, size, quick, smoke, systems, rates, stepSeconds, output,
        };
        stepSeconds.Validators.Add(result => Require(result, result.GetValueOrDefault<double?>() is null or >= 2, "at least 2"));
        subscribers.Validators.Add(result => Require(result, result.GetValueOrDefault<int>() >= 1, "at least 1"));
        publishers.Validators.Add(result => Require(result, result.GetValueOrDefault<int>() is >= 1 and <= 99, "1 to 99"));
        size.Validators.Add(result => Require(result, result.GetValueOrDefault<int>() >= Load.Payload.MinimumSize, $"at least {Load.Payload.MinimumSize}"));
        systems.Validators.Add(result =>
        {
            foreach (var name in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!BenchTopology.AllSystems.Contains(name))
                {
                    result.AddError($"--systems: unknown system '{name}'; known: {string.Join(", ", BenchTopology.AllSystems)}.");
                }
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var mode = parse.GetValue(smoke) ? "smoke" : parse.GetValue(quick) ? "quick" : "full";
            var count = parse.GetValue(subscribers);
            var settings = FanoutLadder.Settings(
                "fanout", mode, count, parse.GetValue(publishers), parse.GetValue(size),
                [.. BenchTopology.AllSystems.Where(parse.GetValue(systems)!.Contains)],
                parse.GetValue(rates) is { Length: > 0 } explicitRates ? explicitRates : null,
                parse.GetValue(output) ?? Path.Combine(RepositoryRoot(), "artifacts", "bench", $"fanout-s{count}"));
            if (parse.GetValue(stepSeconds) is { } seconds)
            {
                settings = settings with { Step = TimeSpan.FromSeconds(seconds) };
            }

            var summary = await FanoutScenario.RunAsync(settings, "fanout " + string.Join(' ', parse.Tokens.Skip(1).Select(t => t.Value)), cancellationToken);
            return summary.Systems.All(s => s.Steps.Count > 0) ? 0 : 1;
        });
        return command;
    }

    private static void Require(System.CommandLine.Parsing.OptionResult result, bool valid, string what)
    {
        if (!valid)
        {
            result.AddError($"{result.Option.Name} must be {what}, not {string.Join(' ', result.Tokens.Select(t => t.Value))}.");
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "VibeZ.sln")))
            {
                return directory.FullName;
            }
        }

        return Environment.CurrentDirectory;
    }
}
