using System.CommandLine;
using VibeZ.Bench.Scenarios;
using VibeZ.Bench.Systems;

namespace VibeZ.Bench;

/// <summary>The options every rate-search scenario (<c>fanout</c>, <c>channels</c>) shares, and how they become its settings.</summary>
internal sealed class RateSearchOptions
{
    private readonly Option<int> _publishers = new("--publishers") { Description = "Publishing clients; the rate is split evenly between them.", DefaultValueFactory = _ => 2 };
    private readonly Option<int> _size = new("--size") { Description = "Bytes of application data per message (at least 40).", DefaultValueFactory = _ => 64 };
    private readonly Option<bool> _quick = new("--quick") { Description = "A short run (under 3 minutes): 3 s steps, rates doubling." };
    private readonly Option<bool> _smoke = new("--smoke") { Description = "Seconds, tiny load: one low rate, to check that the harness works." };
    private readonly Option<string[]> _systems;

    private readonly Option<double[]> _rates = new("--rates") { Description = "Offered deliveries per second to try, instead of the mode's ladder.", AllowMultipleArgumentsPerToken = true };
    private readonly Option<double?> _stepSeconds = new("--step-seconds") { Description = "Seconds per step, instead of the mode's (longer steps for profiling a fixed rate)." };
    private readonly Option<string[]> _gatewayEnvironment = BenchCommandLine.GatewayEnvironmentOption();
    private readonly Option<VibeZ.Testing.Redis.RedisContainers?> _containers = BenchCommandLine.ContainersOption();
    private readonly Option<string?> _output = new("--output") { Description = "Output folder; default artifacts/bench/<scenario>-s<subscribers> under the repository." };

    /// <param name="defaultSystems">What <c>--systems</c> is when not given.</param>
    public RateSearchOptions(IReadOnlyList<string> defaultSystems)
    {
        _systems = new("--systems")
        {
            Description = $"Systems to run (in turn order {string.Join(", ", BenchTopology.KnownSystems)}); default {string.Join(" ", defaultSystems)}.",
            DefaultValueFactory = _ => [.. defaultSystems],
            AllowMultipleArgumentsPerToken = true,
        };
        _stepSeconds.Validators.Add(result => BenchCommandLine.Require(result, result.GetValueOrDefault<double?>() is null or >= 2, "at least 2"));
        _publishers.Validators.Add(result => BenchCommandLine.Require(result, result.GetValueOrDefault<int>() is >= 1 and <= 99, "1 to 99"));
        _size.Validators.Add(result => BenchCommandLine.Require(result, result.GetValueOrDefault<int>() >= Load.Payload.MinimumSize, $"at least {Load.Payload.MinimumSize}"));
        _systems.Validators.Add(result =>
        {
            foreach (var name in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!BenchTopology.KnownSystems.Contains(name))
                {
                    result.AddError($"--systems: unknown system '{name}'; known: {string.Join(", ", BenchTopology.KnownSystems)}.");
                }
            }
        });
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _publishers, _size, _quick, _smoke, _systems, _rates, _stepSeconds, _gatewayEnvironment, _containers, _output })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The settings for a run of <paramref name="channels"/> channels with <paramref name="subscribers"/> subscribers in all.</summary>
    public FanoutSettings Settings(ParseResult parse, string scenario, int channels, int subscribers)
    {
        var mode = parse.GetValue(_smoke) ? "smoke" : parse.GetValue(_quick) ? "quick" : "full";
        var settings = FanoutLadder.Settings(
            scenario, mode, channels, subscribers, parse.GetValue(_publishers), parse.GetValue(_size),
            [.. BenchTopology.KnownSystems.Where(parse.GetValue(_systems)!.Contains)],
            parse.GetValue(_rates) is { Length: > 0 } explicitRates ? explicitRates : null,
            parse.GetValue(_output) ?? BenchCommandLine.DefaultOutput(scenario, subscribers));
        settings = settings with { GatewayEnvironment = BenchCommandLine.GatewayEnvironment(parse, _gatewayEnvironment), Containers = parse.GetValue(_containers) };
        return parse.GetValue(_stepSeconds) is { } seconds ? settings with { Step = TimeSpan.FromSeconds(seconds) } : settings;
    }
}
