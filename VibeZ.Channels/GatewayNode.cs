namespace VibeZ.Channels;

/// <summary>
/// This Gateway process's id, sent in every <c>subscribed</c> frame so clients (and tests) can tell replicas apart.
/// </summary>
public sealed class GatewayNode
{
    /// <summary>Gets the id: host name and process id, unique among the Gateways of one deployment.</summary>
    public string Id { get; } = $"{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}";
}
