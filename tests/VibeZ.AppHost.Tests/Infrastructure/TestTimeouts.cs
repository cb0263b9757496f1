namespace VibeZ.AppHost.Tests.Infrastructure;

/// <summary>How long tests wait for things, generous enough for a 2-core machine under load.</summary>
internal static class TestTimeouts
{
    public static readonly TimeSpan BuildModel = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan StartTopology = TimeSpan.FromSeconds(120);
    public static readonly TimeSpan Request = TimeSpan.FromSeconds(30);
}
