namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The image every node and the cluster-create step run unless <c>VibeZ:Redis:Image</c> names another: the official
/// image at the version the tests run (Debian 12's redis-server 7.0.15), so what ships is what is tested.
/// </summary>
internal static class RedisContainerImageTags
{
    /// <summary>The registry; also where an image reference without one is looked for, as docker does.</summary>
    public const string Registry = "docker.io";

    /// <summary>The image name within <see cref="Registry"/>.</summary>
    public const string Image = "library/redis";

    /// <summary>The tag.</summary>
    public const string Tag = "7.0.15";
}
