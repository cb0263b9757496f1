namespace VibeZ.Bench.Scenarios;

/// <summary>How one fan-out run is shaped: the same for every system in it.</summary>
/// <param name="Scenario">The name in summary.json and the output folder.</param>
/// <param name="Subscribers">Subscribers of all channels together, spread over the system's server processes.</param>
/// <param name="Publishers">Publishing clients, spread the same way; the rate is split evenly between them.</param>
/// <param name="MessageBytes">Size of the application data each message carries.</param>
/// <param name="Rates">Offered deliveries per second (messages per second × subscribers), tried in this order.</param>
/// <param name="Step">How long each system runs at one rate.</param>
/// <param name="Warmup">The start of each step that is not measured.</param>
/// <param name="Drain">How long after a step late deliveries are still counted.</param>
/// <param name="P99LimitMs">The latency bar a rate has to meet to count as sustained.</param>
/// <param name="Mode"><c>full</c>, <c>quick</c> or <c>smoke</c>.</param>
/// <param name="Systems">The systems to run, in turn order.</param>
/// <param name="OutputDirectory">Where summary.json, summary.md and the charts go.</param>
internal sealed record FanoutSettings(
    string Scenario,
    int Subscribers,
    int Publishers,
    int MessageBytes,
    IReadOnlyList<double> Rates,
    TimeSpan Step,
    TimeSpan Warmup,
    TimeSpan Drain,
    double P99LimitMs,
    string Mode,
    IReadOnlyList<string> Systems,
    string OutputDirectory)
{
    /// <summary>The latency bar: a rate counts as sustained only with p99 at or under it.</summary>
    public const double SustainedP99Ms = 50;

    /// <summary>The share of expected deliveries that may be missing at a sustained rate.</summary>
    public const double MissingLimit = 0.001;

    /// <summary>Gets what <c>--gateway-env</c> adds to every Gateway's environment (an experiment's setting); none by default.</summary>
    public IReadOnlyList<(string Key, string? Value)> GatewayEnvironment { get; init; } = [];

    /// <summary>Gets where the Redis nodes run (<c>--containers</c>): containers of that image, or local processes when null.</summary>
    public VibeZ.Testing.Redis.RedisContainers? Containers { get; init; }

    /// <summary>Gets how many channels the subscribers are split over (1 for <c>fanout</c>); publishers take them in turn.</summary>
    public int Channels { get; init; } = 1;

    /// <summary>Gets how many subscribers each message reaches: offered deliveries are messages × this.</summary>
    public int SubscribersPerChannel => Subscribers / Channels;
}
