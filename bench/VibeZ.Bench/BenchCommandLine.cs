using System.CommandLine;
using VibeZ.Bench.Scenarios;
using VibeZ.Bench.Systems;
using VibeZ.Testing.Redis;

namespace VibeZ.Bench;

/// <summary>The harness's commands: one per scenario, each starting the topology it needs.</summary>
internal static class BenchCommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("Measures VibeZ against the SignalR Redis backplane and raw Redis pub/sub, side by side in one run (docs/benchmarks.md).");
        root.Subcommands.Add(SingleChannel("fanout", "One channel, many subscribers: the highest rate each system sustains with p99 ≤ 50 ms.", BenchTopology.AllSystems));
        root.Subcommands.Add(Channels());
        root.Subcommands.Add(Connections());
        root.Subcommands.Add(Failover());
        root.Subcommands.Add(SingleChannel("cluster", "fanout on the six-node cluster (sharded pub/sub) beside one redis-server, for VibeZ (Leader) and raw pub/sub.", BenchTopology.ClusterSystems));
        return root;
    }

    /// <summary>Adds <paramref name="what"/> as an error to an option's result when <paramref name="valid"/> is false.</summary>
    public static void Require(System.CommandLine.Parsing.OptionResult result, bool valid, string what)
    {
        if (!valid)
        {
            result.AddError($"{result.Option.Name} must be {what}, not {string.Join(' ', result.Tokens.Select(t => t.Value))}.");
        }
    }

    /// <summary>
    /// The <c>--systems</c> of a scenario that measures systems one after another (<c>connections</c>, <c>failover</c>):
    /// <paramref name="defaults"/> unless told otherwise, and only names in <paramref name="allowed"/>.
    /// </summary>
    private static Option<string[]> SystemsOption(string description, string[] defaults, params string[] allowed)
    {
        var systems = new Option<string[]>("--systems")
        {
            Description = description,
            DefaultValueFactory = _ => defaults,
            AllowMultipleArgumentsPerToken = true,
        };
        systems.Validators.Add(result => Require(result,
            (result.GetValueOrDefault<string[]>() ?? []).All(allowed.Contains), $"some of {string.Join(", ", allowed)}"));
        return systems;
    }

    /// <summary>
    /// <c>--gateway-env KEY=VALUE</c>, repeatable: set in every Gateway's environment and in no other process, so an
    /// experiment (a GC or thread-pool setting) changes the Gateways alone; summary.json's <c>command</c> records it.
    /// </summary>
    public static Option<string[]> GatewayEnvironmentOption()
    {
        var option = new Option<string[]>("--gateway-env")
        {
            Description = "KEY=VALUE set in every Gateway's environment, for experiments (DOTNET_gcServer=0, say); repeatable.",
            AllowMultipleArgumentsPerToken = true,
        };
        option.Validators.Add(result => Require(result,
            (result.GetValueOrDefault<string[]>() ?? []).All(pair => pair.IndexOf('=') > 0), "KEY=VALUE pairs"));
        return option;
    }

    /// <summary>
    /// <c>--containers</c>: the Redis nodes run in containers of the local image (<c>bash eng/install.sh --containers</c>)
    /// instead of as local processes. Its value is the runtime and image found on this machine; when either is missing
    /// the command stops before anything starts, saying which and how to get it.
    /// </summary>
    public static Option<RedisContainers?> ContainersOption()
    {
        var option = new Option<RedisContainers?>("--containers")
        {
            Description = "Run Redis in containers of the local image (bash eng/install.sh --containers), on the host's network, instead of as local processes.",
            Arity = ArgumentArity.Zero,
        };
        option.CustomParser = result =>
        {
            try
            {
                return RedisContainers.OnThisMachine();
            }
            catch (InvalidOperationException ex)
            {
                result.AddError($"--containers: {ex.Message}");
                return null;
            }
        };
        return option;
    }

    public static IReadOnlyList<(string Key, string? Value)> GatewayEnvironment(ParseResult parse, Option<string[]> option) =>
        [.. (parse.GetValue(option) ?? []).Select(pair => (pair[..pair.IndexOf('=')], (string?)pair[(pair.IndexOf('=') + 1)..]))];

    /// <summary>artifacts/bench/&lt;scenario&gt;-s&lt;subscribers&gt; under the repository, where outside checks look.</summary>
    public static string DefaultOutput(string scenario, int subscribers) =>
        Path.Combine(RepositoryRoot(), "artifacts", "bench", $"{scenario}-s{subscribers}");

    /// <summary>A rate search on one channel (<c>fanout</c>, <c>cluster</c>): the scenarios differ only in the systems they start.</summary>
    private static Command SingleChannel(string scenario, string description, IReadOnlyList<string> defaultSystems)
    {
        var subscribers = new Option<int>("--subscribers") { Description = "Subscribers of the one channel.", DefaultValueFactory = _ => 10 };
        subscribers.Validators.Add(result => Require(result, result.GetValueOrDefault<int>() >= 1, "at least 1"));
        var shared = new RateSearchOptions(defaultSystems);
        var command = new Command(scenario, description) { subscribers };
        shared.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
            RunAsync(shared.Settings(parse, scenario, 1, parse.GetValue(subscribers)), parse, cancellationToken));
        return command;
    }

    private static Command Channels()
    {
        var channels = new Option<int>("--channels") { Description = "Channels; publishers take them in turn.", DefaultValueFactory = _ => 1000 };
        var perChannel = new Option<int>("--subscribers-per-channel") { Description = "Subscribers of each channel.", DefaultValueFactory = _ => 2 };
        channels.Validators.Add(result => Require(result, result.GetValueOrDefault<int>() >= 1, "at least 1"));
        perChannel.Validators.Add(result => Require(result, result.GetValueOrDefault<int>() >= 1, "at least 1"));
        var shared = new RateSearchOptions(BenchTopology.AllSystems);
        var command = new Command("channels", "Many small channels (1000 × 2 subscribers by default): the highest rate each system sustains with p99 ≤ 50 ms.")
        {
            channels, perChannel,
        };
        shared.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var count = parse.GetValue(channels);
            return RunAsync(shared.Settings(parse, "channels", count, count * parse.GetValue(perChannel)), parse, cancellationToken);
        });
        return command;
    }

    private static Command Connections()
    {
        var connections = new Option<int>("--connections") { Description = "Idle connections on the one server process, each on a channel of its own.", DefaultValueFactory = _ => 10_000 };
        var quick = new Option<bool>("--quick") { Description = "Shorter idle and check phases (5 s each); the same connection count." };
        var smoke = new Option<bool>("--smoke") { Description = "Seconds: 1 s idle, 2 s check; use with a small --connections." };
        var systems = SystemsOption(
            $"Systems to measure, one after another: {string.Join(", ", BenchTopology.ConnectionsSystems)}; default {BenchTopology.Vibez} {BenchTopology.SignalR} {BenchTopology.WebSocketFloor}.",
            [BenchTopology.Vibez, BenchTopology.SignalR, BenchTopology.WebSocketFloor], [.. BenchTopology.ConnectionsSystems]);
        var output = new Option<string?>("--output") { Description = "Output folder; default artifacts/bench/connections-s<connections> under the repository." };
        var gatewayEnvironment = GatewayEnvironmentOption();
        var containers = ContainersOption();
        connections.Validators.Add(result => Require(result, result.GetValueOrDefault<int>() >= 1, "at least 1"));
        var command = new Command("connections", "Idle connections on ONE Gateway (and one SignalR app, and the bare ASP.NET Core WebSocket floor): RSS and GC heap per connection, time to connect them all.")
        {
            connections, quick, smoke, systems, gatewayEnvironment, containers, output,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var count = parse.GetValue(connections);
            var settings = Scenarios.Connections.ConnectionsSettings.For(
                parse.GetValue(smoke) ? "smoke" : parse.GetValue(quick) ? "quick" : "full", count,
                [.. BenchTopology.ConnectionsSystems.Where(parse.GetValue(systems)!.Contains)],
                parse.GetValue(output) ?? DefaultOutput("connections", count)) with
                {
                    GatewayEnvironment = GatewayEnvironment(parse, gatewayEnvironment),
                    Containers = parse.GetValue(containers),
                };
            var summary = await Scenarios.Connections.ConnectionsScenario.RunAsync(settings, string.Join(' ', parse.Tokens.Select(t => t.Value)), cancellationToken);
            return summary.Systems.All(s => s.CheckDelivered == s.CheckExpected) ? 0 : 1;
        });
        return command;
    }

    private static Command Failover()
    {
        var subscribers = new Option<int>("--subscribers") { Description = "Subscribers of the one channel, spread over the two server processes.", DefaultValueFactory = _ => 4 };
        var rate = new Option<double>("--rate") { Description = "Messages per second, steady.", DefaultValueFactory = _ => 200 };
        var crashAt = new Option<double>("--crash-at") { Description = "Seconds after the first message when the master is killed.", DefaultValueFactory = _ => 10 };
        var seconds = new Option<double>("--seconds") { Description = "Seconds of sending new messages.", DefaultValueFactory = _ => 30 };
        var replicas = new Option<int>("--replicas")
        {
            Description = "Replicas of the master. With 1, a Replicated Gateway takes no writes after the crash until a replica is in sync again (README, Guarantees); 2 leave one.",
            DefaultValueFactory = _ => 1,
        };
        var smoke = new Option<bool>("--smoke") { Description = "Seconds: 50 messages/s, master killed at 2 s of 8 s (overrides --rate, --crash-at, --seconds)." };
        var systems = SystemsOption(
            $"Systems to measure, one after another, each on a sentinel topology of its own: {BenchTopology.Vibez}, {BenchTopology.SignalR}.",
            [BenchTopology.Vibez, BenchTopology.SignalR], BenchTopology.Vibez, BenchTopology.SignalR);
        var output = new Option<string?>("--output") { Description = "Output folder; default artifacts/bench/failover-s<subscribers> under the repository." };
        var containers = ContainersOption();
        subscribers.Validators.Add(result => Require(result, result.GetValueOrDefault<int>() >= 1, "at least 1"));
        rate.Validators.Add(result => Require(result, result.GetValueOrDefault<double>() is > 0 and <= 10_000, "between 0 and 10000"));
        crashAt.Validators.Add(result => Require(result, result.GetValueOrDefault<double>() > 0, "more than 0"));
        seconds.Validators.Add(result => Require(result, result.GetValueOrDefault<double>() > 0, "more than 0"));
        replicas.Validators.Add(result => Require(result, result.GetValueOrDefault<int>() is >= 1 and <= 4, "between 1 and 4"));
        var command = new Command("failover", "A steady publisher while the sentinel master is killed: acked messages lost, duplicates, reordering and the publish gap, for VibeZ (Replicated) and the SignalR peer.")
        {
            subscribers, rate, crashAt, seconds, replicas, smoke, systems, containers, output,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var count = parse.GetValue(subscribers);
            var isSmoke = parse.GetValue(smoke);
            var settings = new Scenarios.Failover.FailoverSettings(
                count,
                isSmoke ? 50 : parse.GetValue(rate),
                TimeSpan.FromSeconds(isSmoke ? 2 : parse.GetValue(crashAt)),
                TimeSpan.FromSeconds(isSmoke ? 8 : parse.GetValue(seconds)),
                TimeSpan.FromSeconds(15),
                parse.GetValue(replicas),
                isSmoke ? "smoke" : "full",
                [.. BenchTopology.KnownSystems.Where(parse.GetValue(systems)!.Contains)],
                parse.GetValue(output) ?? DefaultOutput("failover", count)) { Containers = parse.GetValue(containers) };
            if (settings.CrashAt >= settings.Duration)
            {
                await Console.Error.WriteLineAsync($"--crash-at ({settings.CrashAt.TotalSeconds}) must come before the end of sending (--seconds {settings.Duration.TotalSeconds}).");
                return 2;
            }
            var summary = await Scenarios.Failover.FailoverScenario.RunAsync(settings, string.Join(' ', parse.Tokens.Select(t => t.Value)), cancellationToken);

            // The bar: VibeZ loses no acked message. The SignalR peer is measured, not held to it.
            return summary.Systems.Where(s => s.Name == BenchTopology.Vibez).All(s => s.Lost == 0 && s.Acked > 0) ? 0 : 1;
        });
        return command;
    }

    private static async Task<int> RunAsync(FanoutSettings settings, ParseResult parse, CancellationToken cancellationToken)
    {
        var command = string.Join(' ', parse.Tokens.Select(t => t.Value));
        var summary = await FanoutScenario.RunAsync(settings, command, cancellationToken);
        return summary.Systems.All(s => s.Steps.Count > 0) ? 0 : 1;
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
