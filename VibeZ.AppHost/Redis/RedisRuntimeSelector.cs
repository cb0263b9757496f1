using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>The runtime a topology will use, and why, so the AppHost can say so.</summary>
/// <param name="Runtime">Containers or processes.</param>
/// <param name="ContainerRuntime">The container runtime (docker or podman) for containers.</param>
/// <param name="Reason">Why this was chosen, for the log.</param>
internal sealed record RedisRuntimeChoice(RedisRuntime Runtime, string? ContainerRuntime, string Reason);

/// <summary>
/// Chooses between containers and local processes. <c>auto</c> picks containers only where a container runtime answers
/// and already has the image (no registry may be reachable), and otherwise local processes when redis-server is on PATH,
/// so it never picks a path that cannot work on this machine.
/// </summary>
internal static class RedisRuntimeSelector
{
    public const string ContainerRuntimeKey = "ASPIRE_CONTAINER_RUNTIME";

    private static readonly string[] SmokeTest = ["run", "--rm", "--entrypoint", RedisTopologyDefaults.ServerCommand];

    public static RedisRuntimeChoice Choose(RedisTopologySettings settings, IConfiguration configuration, Func<string, string[], bool> run)
    {
        var configured = configuration[ContainerRuntimeKey] ?? configuration["DOTNET_" + ContainerRuntimeKey];
        string[] candidates = configured is { Length: > 0 } ? [configured] : ["docker", "podman"];
        var image = settings.Image.ToString();
        var setting = RedisTopologySettings.Key(nameof(RedisTopologySettings.Runtime));

        var answering = candidates.FirstOrDefault(rt => run(rt, ["info"]));
        var hasRedisServer = run(RedisTopologyDefaults.ServerCommand, ["--version"]);

        switch (settings.Runtime)
        {
            case RedisRuntime.Container when answering is null:
                throw new InvalidOperationException(
                    $"{setting} is 'container', but no container runtime answered (tried {string.Join(", ", candidates)}). Install Docker or Podman (apt-get install podman runc), or set {setting}=process.");
            case RedisRuntime.Container:
                return new(RedisRuntime.Container, answering, $"{setting} is 'container'");
            case RedisRuntime.Process when !hasRedisServer:
                throw new InvalidOperationException(
                    $"{setting} is 'process', but redis-server is not on PATH. Install it (apt-get install redis-server redis-tools), or set {setting}=container.");
            case RedisRuntime.Process:
                return new(RedisRuntime.Process, null, $"{setting} is 'process'");
        }

        var hasImage = answering is not null && run(answering, ["image", "inspect", image]);

        // A runtime can answer and still fail to start containers (a host's limits, a broken OCI runtime): try one.
        if (hasImage && run(answering!, [.. SmokeTest, image, "--version"]))
        {
            return new(RedisRuntime.Container, answering, $"{answering} answers, has {image} and runs it");
        }

        if (hasRedisServer)
        {
            var why = answering is null ? $"no container runtime answered (tried {string.Join(", ", candidates)})"
                : hasImage ? $"{answering} has {image} but cannot run it (see README 'Troubleshooting')"
                : $"{answering} answers but does not have {image} (build it with eng/build-redis-image.sh or pull it)";
            return new(RedisRuntime.Process, null, $"{why}, and redis-server is on PATH");
        }

        if (answering is not null)
        {
            return new(RedisRuntime.Container, answering, $"{answering} answers; {image} will be pulled, since redis-server is not on PATH");
        }

        throw new InvalidOperationException(
            $"Redis needs a container runtime or a local redis-server, and this machine has neither: no container runtime answered (tried {string.Join(", ", candidates)}) and redis-server is not on PATH. " +
            "Install Podman (apt-get install podman runc) or Docker, or Redis itself (apt-get install redis-server redis-tools); eng/run.sh does it for you.");
    }

    /// <summary>Runs a program and says whether it exited with 0 within 20 seconds; a missing program is a no.</summary>
    public static bool Run(string fileName, string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(fileName, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start);
            if (process is null)
            {
                return false;
            }

            // Drain both pipes so a chatty program cannot block on a full buffer.
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
