using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>The runtime a topology will use, and why, so the AppHost can say so.</summary>
/// <param name="Runtime">Containers or processes.</param>
/// <param name="ContainerRuntime">The container runtime (docker or podman) for containers.</param>
/// <param name="Reason">Why this was chosen, for the log.</param>
/// <param name="Checked">
/// Whether the machine has shown it can run this; only when the application starts (<see cref="RedisRuntimeSelector.Check"/>),
/// where <c>auto</c> is chosen and an explicit runtime checked.
/// </param>
internal sealed record RedisRuntimeChoice(RedisRuntime Runtime, string? ContainerRuntime, string Reason, bool Checked = true);

/// <summary>
/// Chooses between containers and local processes. <c>auto</c> picks containers only where a container runtime answers,
/// already has the image (no registry may be reachable) and passes <see cref="IRedisRuntimeProbe.CheckContainerNetwork"/>,
/// and otherwise local processes when redis-server is on PATH, so it never picks a path that cannot work on this machine.
/// </summary>
/// <remarks>
/// Building the model asks the machine nothing, except which runtime answers for <c>container</c> without
/// <c>ASPIRE_CONTAINER_RUNTIME</c>: Aspire reads its own runtime before any start-up event. <c>auto</c> is chosen
/// when the application starts, and the nodes of the chosen kind are added then; an explicit runtime is checked then.
/// </remarks>
internal static class RedisRuntimeSelector
{
    public const string ContainerRuntimeKey = "ASPIRE_CONTAINER_RUNTIME";

    private const string WhatToDo = "See docs/troubleshooting.md; eng/install.sh --containers runs the same check and says what to install.";

    private static readonly string Setting = RedisTopologySettings.Key(nameof(RedisTopologySettings.Runtime));

    /// <summary>
    /// Chooses the runtime while the model is built, as far as the settings decide it: <c>auto</c> stays auto, with the
    /// configured container runtime if any, for <see cref="Check"/> to choose when the application starts.
    /// </summary>
    public static RedisRuntimeChoice Choose(RedisTopologySettings settings, IConfiguration configuration, IRedisRuntimeProbe probe)
    {
        var configured = configuration[ContainerRuntimeKey] ?? configuration["DOTNET_" + ContainerRuntimeKey];
        switch (settings.Runtime)
        {
            case RedisRuntime.Process:
                return new(RedisRuntime.Process, null, $"{Setting} is 'process'", Checked: false);
            case RedisRuntime.Container when configured is { Length: > 0 }:
                return new(RedisRuntime.Container, configured, $"{Setting} is 'container' and {ContainerRuntimeKey} is '{configured}'", Checked: false);
            case RedisRuntime.Container:
                var candidates = Candidates(configured);
                var found = candidates.FirstOrDefault(probe.ContainerRuntimeAnswers) ?? throw new InvalidOperationException(
                    $"{Setting} is 'container', but no container runtime answered (tried {string.Join(", ", candidates)}). Install Docker or Podman (apt-get install podman runc), or set {Setting}=process.");
                return new(RedisRuntime.Container, found, $"{Setting} is 'container' and {found} answers", Checked: false);
            default:
                return new(RedisRuntime.Auto, configured is { Length: > 0 } ? configured : null, $"{Setting} is 'auto'", Checked: false);
        }
    }

    /// <summary>
    /// Checks, when the application starts, that the machine can run an explicit runtime, or chooses for <c>auto</c>;
    /// returns the choice with why.
    /// </summary>
    /// <exception cref="InvalidOperationException">It cannot; the message names the setting and what to do.</exception>
    public static RedisRuntimeChoice Check(RedisRuntimeChoice choice, RedisTopologySettings settings, IRedisRuntimeProbe probe)
    {
        if (choice.Checked)
        {
            return choice;
        }

        if (choice.Runtime is RedisRuntime.Auto)
        {
            return ChooseAuto(Candidates(choice.ContainerRuntime), settings.Image.ToString(), probe);
        }

        if (choice.Runtime is RedisRuntime.Process)
        {
            return probe.HasRedisServer()
                ? choice with { Reason = $"{Setting} is 'process', and redis-server is on PATH", Checked = true }
                : throw new InvalidOperationException(
                    $"{Setting} is 'process', but redis-server is not on PATH. Install it (apt-get install redis-server redis-tools), or set {Setting}=container.");
        }

        var runtime = choice.ContainerRuntime!;
        var image = settings.Image.ToString();
        if (!probe.ContainerRuntimeAnswers(runtime))
        {
            throw new InvalidOperationException(
                $"{Setting} is 'container', but the container runtime {runtime} did not answer ('{runtime} info' failed). Install Docker or Podman (apt-get install podman runc), name the one you have in {ContainerRuntimeKey}, or set {Setting}=process.");
        }

        return probe.CheckContainerNetwork(runtime, image) is { } failure
            ? throw new InvalidOperationException(
                $"{Setting} is 'container', but {runtime} cannot run the topology: {failure}. {WhatToDo} Or set {Setting}=process.")
            : choice with { Reason = $"{Setting} is 'container', and {NetworkWorks(runtime, image)}", Checked = true };
    }

    // Docker first, as DCP does when ASPIRE_CONTAINER_RUNTIME is not set: auto then runs the containers on the runtime DCP picked.
    private static string[] Candidates(string? configured) => configured is { Length: > 0 } ? [configured] : ["docker", "podman"];

    private static RedisRuntimeChoice ChooseAuto(string[] candidates, string image, IRedisRuntimeProbe probe)
    {
        var answering = candidates.FirstOrDefault(probe.ContainerRuntimeAnswers);
        var hasRedisServer = probe.HasRedisServer();
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
