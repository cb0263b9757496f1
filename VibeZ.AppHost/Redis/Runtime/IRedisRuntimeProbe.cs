namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Asks the machine what it can run Redis nodes with: which container runtime answers, whether it has the image and
/// can run a topology's network, and whether <c>redis-server</c> is on <c>PATH</c>.
/// </summary>
/// <remarks>
/// Every answer starts a program, so the topology builders ask as little as they can. <see cref="RedisRuntimeProbe"/>
/// is registered unless the application registers its own, which is how tests play the machine.
/// </remarks>
public interface IRedisRuntimeProbe
{
    /// <summary>Gets whether <paramref name="containerRuntime"/> answers (<c>{containerRuntime} info</c> succeeds).</summary>
    /// <param name="containerRuntime">The container runtime's command, <c>docker</c> or <c>podman</c>.</param>
    bool ContainerRuntimeAnswers(string containerRuntime);

    /// <summary>Gets whether <paramref name="containerRuntime"/> already has <paramref name="image"/>, so nothing must be pulled.</summary>
    /// <param name="containerRuntime">The container runtime's command.</param>
    /// <param name="image">The image reference.</param>
    bool HasImage(string containerRuntime, string image);

    /// <summary>
    /// Checks that <paramref name="containerRuntime"/> can run a topology of <paramref name="image"/>: containers on a
    /// network of their own, at fixed addresses, reaching each other by name.
    /// </summary>
    /// <param name="containerRuntime">The container runtime's command.</param>
    /// <param name="image">The Redis image.</param>
    /// <returns><see langword="null"/> when it can, else what failed.</returns>
    string? CheckContainerNetwork(string containerRuntime, string image);

    /// <summary>Gets whether <c>redis-server</c> is on <c>PATH</c> and runs (<c>redis-server --version</c> succeeds).</summary>
    bool HasRedisServer();
}
