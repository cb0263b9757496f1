namespace Aspire.Hosting.ApplicationModel;

/// <summary>A container image reference split the way Aspire's image annotation wants it.</summary>
/// <param name="Registry">The registry, such as <c>docker.io</c> or <c>localhost</c>.</param>
/// <param name="Name">The image name within the registry, such as <c>library/redis</c>.</param>
/// <param name="Tag">The tag, such as <c>7.0.15</c>.</param>
public sealed record RedisImage(string Registry, string Name, string Tag)
{
    /// <summary>Parses <c>registry/name:tag</c>; the registry defaults to <c>docker.io</c> and the tag to <c>latest</c>.</summary>
    /// <param name="reference">The image reference.</param>
    /// <param name="settingName">The setting it came from, named in the error.</param>
    public static RedisImage Parse(string reference, string settingName)
    {
        var value = reference.Trim();
        var slash = value.IndexOf('/');

        // As docker does: the first path part is a registry only if it looks like a host (has a dot or a port, or is localhost).
        var first = slash < 0 ? "" : value[..slash];
        var hasRegistry = first.Contains('.') || first.Contains(':') || first == "localhost";
        var registry = hasRegistry ? first : RedisContainerImageTags.Registry;
        var rest = hasRegistry ? value[(slash + 1)..] : value;

        var colon = rest.LastIndexOf(':');
        var name = colon < 0 ? rest : rest[..colon];
        var tag = colon < 0 ? "latest" : rest[(colon + 1)..];

        if (name.Length == 0 || tag.Length == 0 || rest.Contains('@') || value.Any(char.IsWhiteSpace))
        {
            throw new InvalidOperationException($"{settingName} is '{reference}', which is not an image reference of the form registry/name:tag.");
        }

        return new RedisImage(registry, name, tag);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Registry}/{Name}:{Tag}";
}
