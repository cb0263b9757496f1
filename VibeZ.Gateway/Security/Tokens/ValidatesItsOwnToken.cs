namespace VibeZ.Gateway.Security.Tokens;

/// <summary>
/// Endpoint metadata: the endpoint validates its request's bearer token itself (<see cref="ClientAuthenticator"/>),
/// so JwtBearer leaves the request unauthenticated. What JwtBearer authenticates (principal, claims, parsed token) stays
/// cached in the request's scope until the request ends, and a WebSocket's upgrade request lasts as long as the socket.
/// </summary>
internal sealed class ValidatesItsOwnToken
{
    private ValidatesItsOwnToken()
    {
    }

    public static ValidatesItsOwnToken Instance { get; } = new();
}
