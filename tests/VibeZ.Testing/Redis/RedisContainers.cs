using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;

namespace VibeZ.Testing.Redis;

/// <summary>
/// Runs a throw-away topology's nodes as containers of the local Redis image instead of local processes. They share the
/// host's network (<c>--network host</c>), so every node keeps its 127.0.0.1 port and the addresses it announces, and
/// whatever dials them is unchanged; each node's folder is mounted at the same path. A container's server is a process
/// of the host too, so it is sampled and signalled by its own id, not the runtime client's.
/// </summary>
/// <param name="Program">The container runtime's command: <c>podman</c> or <c>docker</c>.</param>
/// <param name="Image">The image, with <c>redis-server</c> and <c>redis-sentinel</c> in it.</param>
public sealed record RedisContainers(string Program, string Image)
{
    /// <summary>
    /// The image <c>eng/install.sh --containers</c> builds, <c>localhost/vibez-redis:&lt;redis-server's version&gt;</c>,
    /// or <c>VIBEZ_REDIS_IMAGE</c>: what the tests' topologies run, in the AppHost and here.
    /// </summary>
    public static string LocalImage => Environment.GetEnvironmentVariable("VIBEZ_REDIS_IMAGE") is { Length: > 0 } named
        ? named
        : $"localhost/vibez-redis:{RedisServerVersion()}";

    /// <summary>
    /// Finds the first container runtime that answers (podman, then docker) and <see cref="LocalImage"/>. Throws saying
    /// what is missing and how to get it.
    /// </summary>
    public static RedisContainers OnThisMachine()
    {
        var program = new[] { "podman", "docker" }.FirstOrDefault(candidate => ProgramRun.Start(candidate, ["info"]).Succeeded)
            ?? throw new InvalidOperationException("No container runtime answers 'podman info' or 'docker info'. Run: bash eng/install.sh --containers");
        var image = LocalImage;
        var inspected = ProgramRun.Start(program, ["image", "inspect", image]);
        if (!inspected.Succeeded)
        {
            throw new InvalidOperationException($"{program} has no image {image} ({inspected.Said}). Run: bash eng/install.sh --containers");
        }

        return new RedisContainers(program, image);
    }

    /// <summary>How to run <paramref name="executable"/> with <paramref name="arguments"/> in a container named <paramref name="name"/>, attached, removed when it ends.</summary>
    internal ProcessStartInfo RunInfo(string name, string directory, string executable, IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo(Program);
        foreach (var argument in new[] { "run", "--rm", "--name", name, "--network", "host", "--volume", $"{directory}:{directory}", "--workdir", directory, "--entrypoint", executable, Image }.Concat(arguments))
        {
            startInfo.ArgumentList.Add(argument);
        }

        return startInfo;
    }

    /// <summary>Gets the host's id of the server in container <paramref name="name"/>.</summary>
    internal int ProcessIdOf(string name)
    {
        var inspected = ProgramRun.Start(Program, ["inspect", "--format", "{{.State.Pid}}", name]);
        return inspected.Succeeded && int.TryParse(inspected.Output, out var id) && id > 0
            ? id
            : throw new InvalidOperationException($"'{Program} inspect {name}' gave no process id: {inspected.Said}");
    }

    /// <summary>Kills the server in container <paramref name="name"/> (SIGKILL), as a crash would; the container goes with it.</summary>
    internal void Kill(string name) => ProgramRun.Start(Program, ["kill", "--signal", "KILL", name]);

    private static string RedisServerVersion()
    {
        var version = ProgramRun.Start("redis-server", ["--version"]);
        var field = version.Output.Split(' ').FirstOrDefault(part => part.StartsWith("v=", StringComparison.Ordinal));
        return field?[2..] ?? throw new InvalidOperationException($"'redis-server --version' said no version ({version.Said}); the image's tag is Redis's version. Run: bash eng/install.sh --containers");
    }
}
