namespace VibeZ.AppHost.Tests.Infrastructure;

/// <summary>Passwords for rendering config files in model tests, one per user so a test can tell them apart.</summary>
internal static class TestSecrets
{
    public static readonly RedisTopologySecrets Default = new("s3cret", "service-s3cret", "sentinel-s3cret");
}
