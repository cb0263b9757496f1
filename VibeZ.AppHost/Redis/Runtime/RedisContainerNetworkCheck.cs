namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Checks what a containerised topology needs from the container runtime, the way the topology uses it: two containers
/// of the image on a network of their own, at fixed addresses, one asking the other for PING by name through a host entry.
/// </summary>
/// <remarks>
/// A runtime can answer <c>info</c> and even run one container, and still fail a topology: a network without the
/// addresses it needs, or names that do not resolve. This check fails the same way the topology would, in seconds.
/// <c>eng/install.sh --containers</c> makes the same check in shell.
/// </remarks>
internal static class RedisContainerNetworkCheck
{
    private const int PingTries = 50;

    /// <summary>
    /// How long the check's server lives at most. Its removal below is a program run like any other, which a loaded
    /// machine can time out; the server then ends by itself, and <c>--rm</c> removes it.
    /// </summary>
    private static readonly TimeSpan ServerLifetime = TimeSpan.FromMinutes(2);

    /// <summary>Networks of earlier checks older than this, which a timed-out removal left behind, are pruned first.</summary>
    private const string StaleNetworkAge = "10m";

    /// <summary>Runs the check; returns <see langword="null"/> when it passed, else what failed.</summary>
    /// <param name="containerRuntime">The runtime's command.</param>
    /// <param name="image">The Redis image, which has redis-server, redis-cli and /bin/sh.</param>
    /// <param name="run">Runs a program.</param>
    public static string? Run(string containerRuntime, string image, Func<string, string[], ProgramRun> run) =>
        Run(containerRuntime, image, run, $"vibez-check-{Guid.NewGuid().ToString("N")[..8]}", ServerLifetime);

    /// <summary>
    /// Runs the check with the network <paramref name="name"/> and the containers named after it; the server ends by
    /// itself after <paramref name="serverLifetime"/>.
    /// </summary>
    internal static string? Run(string containerRuntime, string image, Func<string, string[], ProgramRun> run, string name, TimeSpan serverLifetime)
    {
        var network = new RedisContainerNetwork(name, containerRuntime);
        var server = $"{name}-server";
        var client = $"{name}-client";
        try
        {
            run(containerRuntime, ["network", "prune", "-f", "--filter", "label=vibez.check=true", "--filter", $"until={StaleNetworkAge}"]);
            network.EnsureCreated(run, "vibez.check=true");
            var serverAddress = network.AddressOf(0);

            // redis-server replaces the shell as the container's first process, and a background sleep stops it after
            // its lifetime (a first process gets the signals it handles, and redis-server handles SIGTERM).
            var lifetime = (int)Math.Ceiling(serverLifetime.TotalSeconds);
            var started = run(containerRuntime,
            [
                "run", "-d", "--rm", "--name", server, .. network.RunArguments(serverAddress, []),
                "--entrypoint", "/bin/sh", image, "-c",
                $"(sleep {lifetime}; kill 1) & exec {RedisTopologyDefaults.ServerCommand} --port 6379 --protected-mode no --save '' --appendonly no",
            ]);
            if (!started.Succeeded)
            {
                return $"'{containerRuntime} run {image}' on the network {name} at {serverAddress} failed: {started.Said}";
            }

            // The server needs a moment to listen; the name must resolve on the first try.
            var ping = $"i=0; until [ \"$(redis-cli -h {server} -p 6379 ping 2>&1)\" = PONG ]; do i=$((i+1)); " +
                $"if [ $i -ge {PingTries} ]; then redis-cli -h {server} -p 6379 ping; exit 1; fi; sleep 0.1; done";
            var pinged = run(containerRuntime,
            [
                "run", "--rm", "--name", client, .. network.RunArguments(network.AddressOf(1), [(server, serverAddress)]),
                "--entrypoint", "/bin/sh", image, "-c", ping,
            ]);
            return pinged.Succeeded
                ? null
                : $"a container could not reach another by name on the network {name} ('redis-cli -h {server} ping' said '{pinged.Said}')";
        }
        catch (InvalidOperationException ex)
        {
            return ex.Message;
        }
        finally
        {
            // Both containers by name: a run that timed out leaves its --rm container to the runtime's own clean-up,
            // which can come after this, and a network with a container on it is not removed. One at a time, because
            // Podman removes none of the names when one of them (usually the client, already gone) does not exist.
            run(containerRuntime, ["rm", "-f", server]);
            run(containerRuntime, ["rm", "-f", client]);
            run(containerRuntime, ["network", "rm", name]);
        }
    }
}
