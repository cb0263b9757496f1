namespace VibeZ.Bench.Scenarios.Connections;

/// <summary>How one <c>connections</c> run is shaped.</summary>
/// <param name="Connections">Idle subscriber connections opened on the one server process, each on a channel of its own.</param>
/// <param name="Idle">How long the connections sit idle before the second reading (the server's idle CPU is measured over it).</param>
/// <param name="Check">How long the check takes that sends one message to every connection, so that every connection is shown to be live.</param>
/// <param name="Mode"><c>full</c>, <c>quick</c> or <c>smoke</c>.</param>
/// <param name="Systems">The systems to run, one after another (never at once: their clients would need twice the file descriptors).</param>
/// <param name="OutputDirectory">Where summary.json, summary.md and the chart go.</param>
internal sealed record ConnectionsSettings(int Connections, TimeSpan Idle, TimeSpan Check, string Mode, IReadOnlyList<string> Systems, string OutputDirectory)
{
    /// <summary>Gets what <c>--gateway-env</c> adds to every Gateway's environment (an experiment's setting); none by default.</summary>
    public IReadOnlyList<(string Key, string? Value)> GatewayEnvironment { get; init; } = [];

    /// <summary>Gets where the Redis nodes run (<c>--containers</c>): containers of that image, or local processes when null.</summary>
    public VibeZ.Testing.Redis.RedisContainers? Containers { get; init; }

    /// <summary>One publisher connection sends the check's messages; it is counted in the per-connection cost.</summary>
    public const int Publishers = 1;

    /// <summary>The same small message as the fan-out default.</summary>
    public const int MessageBytes = 64;

    public static ConnectionsSettings For(string mode, int connections, IReadOnlyList<string> systems, string output) => mode switch
    {
        "smoke" => new(connections, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), mode, systems, output),
        "quick" => new(connections, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), mode, systems, output),
        _ => new(connections, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(10), mode, systems, output),
    };
}
