namespace Aspire.Hosting.ApplicationModel;

/// <summary>How the nodes of a topology are run.</summary>
public enum RedisRuntime
{
    /// <summary>Containers where a container runtime answers and has the image, local processes otherwise.</summary>
    Auto,

    /// <summary>Containers (Docker, or Podman through <c>ASPIRE_CONTAINER_RUNTIME=podman</c>).</summary>
    Container,

    /// <summary>Local <c>redis-server</c> processes from <c>PATH</c>.</summary>
    Process,
}
