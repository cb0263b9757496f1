namespace VibeZ.AppHost.Gateway;

/// <summary>How the AppHost runs the Gateway unless the <c>VibeZ:Gateway</c> section says otherwise.</summary>
internal static class GatewayDefaults
{
    /// <summary>The configuration section every setting lives under.</summary>
    public const string Section = "VibeZ:Gateway";

    /// <summary>The Gateway's documented address is http://localhost:8080.</summary>
    public const int Port = 8080;

    // Two, so that cross-process routing is what a developer runs every day, not something only the tests see.
    public const int Replicas = 2;

    public const int HighestPort = 65535;
}
