using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>The runtime a topology will use, and why, so the AppHost can say so.</summary>
/// <param name="Runtime">Containers or processes.</param>
/// <param name="ContainerRuntime">The container runtime (docker or podman) for containers.</param>
/// <param name="Reason">Why this was chosen, for the log.</param>
internal sealed record RedisRuntimeChoice(RedisRuntime Runtime, string? ContainerRuntime, string Reason);

/// <summary>
/// Chooses between containers and local processes. <c>auto</c> picks containers only where a container runtime answers,
/// already has the image (no registry may be reachable) and passes <see cref="IRedisRuntimeProbe.CheckContainerNetwork"/>, and
/// otherwise local processes when redis-server is on PATH, so it never picks a path that cannot work on this machine.
/// </summary>
internal static class RedisRuntimeSelector
{
    public const string ContainerRuntimeKey = "ASPIRE_CONTAINER_RUNTIME";

    private const string WhatToDo = "See docs/troubleshooting.md; eng/install.sh --containers runs the same check and says what to install.";

    public static RedisRuntimeChoice Choose(RedisTopologySettings settings, IConfiguration configuration, IRedisRuntimeProbe probe)
    {
        var configured = configuration[ContainerRuntimeKey] ?? configuration["DOTNET_" + ContainerRuntimeKey];
        string[] candidates = configured is { Length: > 0 } ? [configured] : ["docker", "podman"];
        var image = settings.Image.ToString();
        var setting = RedisTopologySettings.Key(nameof(RedisTopologySettings.Runtime));

        var answering = candidates.FirstOrDefault(probe.ContainerRuntimeAnswers);
        var hasRedisServer = probe.HasRedisServer();

        switch (settings.Runtime)
        {
            case RedisRuntime.Container when answering is null:
                throw new InvalidOperationException(
                    $"{setting} is 'container', but no container runtime answered (tried {string.Join(", ", candidates)}). Install Docker or Podman (apt-get install podman runc), or set {setting}=process.");
            case RedisRuntime.Container:
                return probe.CheckContainerNetwork(answering, image) is { } failure
                    ? throw new InvalidOperationException(
                        $"{setting} is 'container', but {answering} cannot run the topology: {failure}. {WhatToDo} Or set {setting}=process.")
                    : new(RedisRuntime.Container, answering, $"{setting} is 'container', and {NetworkWorks(answering, image)}");
            case RedisRuntime.Process when !hasRedisServer:
                throw new InvalidOperationException(
                    $"{setting} is 'process', but redis-server is not on PATH. Install it (apt-get install redis-server redis-tools), or set {setting}=container.");
            case RedisRuntime.Process:
                return new(RedisRuntime.Process, null, $"{setting} is 'process'");
        }

        var hasImage = answering is not null && probe.HasImage(answering, image);
        var networkFailure = hasImage ? probe.CheckContainerNetwork(answering!, image) : null;
        if (hasImage && networkFailure is null)
        {
            return new(RedisRuntime.Container, answering, $"{answering} answers, has {image}, and {NetworkWorks(answering!, image)}");
        }

        if (hasRedisServer)
        {
            var why = answering is null ? $"no container runtime answered (tried {string.Join(", ", candidates)})"
                : hasImage ? $"{answering} has {image} but cannot run the topology: {networkFailure} ({WhatToDo})"
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

    private static string NetworkWorks(string runtime, string image) =>
        $"two containers of {image} on a {runtime} network reach each other by name at fixed addresses";
}
