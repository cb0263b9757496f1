namespace VibeZ.Gateway.Security.Tokens;

/// <summary>Whether clients must authenticate (<c>Gateway:Auth:Mode</c>).</summary>
public enum GatewayAuthMode
{
    /// <summary>Every WebSocket and HTTP API call carries a signed JWT whose claims grant channels. The default.</summary>
    Jwt,

    /// <summary>Authentication off: anyone who reaches the port may do anything. The Gateway warns at every start.</summary>
    None,
}
