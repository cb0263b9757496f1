namespace VibeZ.Gateway.Security;

/// <summary>The log lines of client authentication: stable ids and names; never a token, a key or a password.</summary>
internal static partial class GatewayAuthLog
{
    [LoggerMessage(100, LogLevel.Warning, "Client authentication is OFF (Gateway:Auth:Mode=None): anyone who reaches this Gateway can read and publish to every channel", EventName = "AuthenticationOff")]
    public static partial void AuthenticationOff(ILogger logger);

    [LoggerMessage(101, LogLevel.Information, "Clients authenticate with JWTs signed {Algorithms}; keys from {KeySources}; issuer {Issuer}, audience {Audience}", EventName = "AuthenticationOn")]
    public static partial void AuthenticationOn(ILogger logger, string algorithms, string keySources, string issuer, string audience);

    [LoggerMessage(102, LogLevel.Warning, "Refused a WebSocket from origin {Origin}: not this Gateway's own and not in Gateway:AllowedOrigins (logged once per origin)", EventName = "OriginRefused")]
    public static partial void OriginRefused(ILogger logger, string origin);

    [LoggerMessage(103, LogLevel.Warning, "Refused WebSockets from {Count} distinct origins; further ones are refused without a log line", EventName = "OriginLogLimitReached")]
    public static partial void OriginLogLimitReached(ILogger logger, int count);

    [LoggerMessage(104, LogLevel.Debug, "Client {ConnectionId} sent a token that was refused: {Reason}", EventName = "TokenRefused")]
    public static partial void TokenRefused(ILogger logger, string connectionId, string reason);

    [LoggerMessage(105, LogLevel.Information, "Development token endpoint GET /api/dev/token is on: it hands out tokens to anyone who asks (Development only)", EventName = "DevTokensOn")]
    public static partial void DevTokensOn(ILogger logger);
}
