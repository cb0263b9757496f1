namespace Aspire.Hosting.ApplicationModel;

/// <summary>The <see cref="IRedisRuntimeProbe"/> that asks the machine by running its programs.</summary>
public sealed class RedisRuntimeProbe : IRedisRuntimeProbe
{
    private readonly Func<string, string[], ProgramRun> _run;

    /// <summary>Initializes a new instance of the <see cref="RedisRuntimeProbe"/> class that runs the machine's programs.</summary>
    public RedisRuntimeProbe()
        : this(ProgramRun.Start)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RedisRuntimeProbe"/> class that runs programs through <paramref name="run"/>.</summary>
    /// <param name="run">Runs a program; tests pass a fake machine.</param>
    internal RedisRuntimeProbe(Func<string, string[], ProgramRun> run) => _run = run;

    /// <inheritdoc />
    public bool ContainerRuntimeAnswers(string containerRuntime) => _run(containerRuntime, ["info"]).Succeeded;

    /// <inheritdoc />
    public bool HasImage(string containerRuntime, string image) => _run(containerRuntime, ["image", "inspect", image]).Succeeded;

    /// <inheritdoc />
    public string? CheckContainerNetwork(string containerRuntime, string image) => RedisContainerNetworkCheck.Run(containerRuntime, image, _run);

    /// <inheritdoc />
    public bool HasRedisServer() => _run(RedisTopologyDefaults.ServerCommand, ["--version"]).Succeeded;
}
