using System.Collections.Concurrent;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>The <see cref="IRedisRuntimeProbe"/> that asks the machine by running its programs.</summary>
public sealed class RedisRuntimeProbe : IRedisRuntimeProbe
{
    /// <summary>
    /// The runtimes and images whose network check passed in this process. The check takes 10–20 s (two containers and
    /// a network, created and removed), and a machine that passed it passes it again: a second topology in one AppHost,
    /// or a test run that starts a dozen, does not pay for it again. A failure is checked again every time.
    /// </summary>
    private static readonly ConcurrentDictionary<(string ContainerRuntime, string Image), bool> NetworkCheckPassed = new();

    private readonly Func<string, string[], ProgramRun> _run;
    private readonly bool _remembersPassedChecks;

    /// <summary>Initializes a new instance of the <see cref="RedisRuntimeProbe"/> class that runs the machine's programs.</summary>
    public RedisRuntimeProbe()
        : this(ProgramRun.Start, remembersPassedChecks: true)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RedisRuntimeProbe"/> class that runs programs through <paramref name="run"/>.</summary>
    /// <param name="run">Runs a program; tests pass a fake machine.</param>
    /// <param name="remembersPassedChecks">Whether a network check that passed counts for every later probe of this process.</param>
    internal RedisRuntimeProbe(Func<string, string[], ProgramRun> run, bool remembersPassedChecks = false)
    {
        _run = run;
        _remembersPassedChecks = remembersPassedChecks;
    }

    /// <inheritdoc />
    public bool ContainerRuntimeAnswers(string containerRuntime) => _run(containerRuntime, ["info"]).Succeeded;

    /// <inheritdoc />
    public bool HasImage(string containerRuntime, string image) => _run(containerRuntime, ["image", "inspect", image]).Succeeded;

    /// <inheritdoc />
    public string? CheckContainerNetwork(string containerRuntime, string image)
    {
        if (_remembersPassedChecks && NetworkCheckPassed.ContainsKey((containerRuntime, image)))
        {
            return null;
        }

        var failure = RedisContainerNetworkCheck.Run(containerRuntime, image, _run);
        if (_remembersPassedChecks && failure is null)
        {
            NetworkCheckPassed.TryAdd((containerRuntime, image), true);
        }

        return failure;
    }

    /// <inheritdoc />
    public bool HasRedisServer() => _run(RedisTopologyDefaults.ServerCommand, ["--version"]).Succeeded;
}
