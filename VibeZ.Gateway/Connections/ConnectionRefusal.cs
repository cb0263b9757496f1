namespace VibeZ.Gateway.Connections;

/// <summary>Why <see cref="ConnectionLimiter"/> refused a connection.</summary>
internal enum ConnectionRefusal
{
    /// <summary>The client's IP address holds <c>Gateway:MaxConnectionsPerIp</c> connections already.</summary>
    TooManyFromAddress,

    /// <summary>The Gateway holds <c>Gateway:MaxConnections</c> connections already.</summary>
    GatewayFull,
}
