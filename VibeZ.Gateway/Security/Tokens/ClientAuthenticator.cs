using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using VibeZ.Gateway.Security.Grants;

namespace VibeZ.Gateway.Security.Tokens;

/// <summary>
/// Turns requests and tokens into <see cref="ClientIdentity"/>: for HTTP from what JwtBearer validated, for the WebSocket
/// upgrade's header and its <c>connect</c> and <c>refresh</c> frames by validating with JwtBearer's own options and
/// token handlers. Refusals say why in words of their own, never the library's message or the token.
/// </summary>
internal sealed class ClientAuthenticator(IOptions<GatewayAuthOptions> options, IOptionsMonitor<JwtBearerOptions> jwt, TimeProvider timeProvider)
{
    public bool Enabled => options.Value.Mode == GatewayAuthMode.Jwt;

    public GatewayAuthOptions Options => options.Value;

    public TimeProvider Time => timeProvider;

    /// <summary>The client a request authenticated as: everyone when authentication is off, else null unless its token was valid.</summary>
    public ClientIdentity? FromUser(ClaimsPrincipal user)
    {
        if (!Enabled)
        {
            return ClientIdentity.Anonymous;
        }

        return user.Identity is ClaimsIdentity { IsAuthenticated: true } identity && ClientIdentity.TryCreate(identity, out var client, out _) ? client : null;
    }

    /// <summary>When a connection authenticated as <paramref name="client"/> must have a new token: its <c>exp</c> plus the allowed clock skew.</summary>
    public DateTimeOffset? Deadline(ClientIdentity client) => client.Expires + Options.ClockSkew;

    /// <summary>
    /// Validates the token of a request's <c>Authorization</c> header, which must read <c>Bearer &lt;token&gt;</c> as for
    /// JwtBearer. Only the grants outlive the call, not the principal, claims and parsed token behind them.
    /// </summary>
    /// <returns>The client, or null and why the header was refused.</returns>
    public Task<(ClientIdentity? Client, string Error)> ValidateBearerAsync(string authorization, CancellationToken cancellationToken)
    {
        const string Scheme = "Bearer ";
        var token = authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? authorization[Scheme.Length..].Trim() : string.Empty;
        return token.Length > 0 || !Enabled
            ? ValidateAsync(token, cancellationToken)
            : Task.FromResult<(ClientIdentity?, string)>((null, "the Authorization header is not 'Bearer <token>'"));
    }

    /// <summary>Validates a token sent in a frame.</summary>
    /// <returns>The client, or null and why the token was refused.</returns>
    public async Task<(ClientIdentity? Client, string Error)> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return (ClientIdentity.Anonymous, string.Empty);
        }

        var bearer = jwt.Get(JwtBearerDefaults.AuthenticationScheme);
        var parameters = bearer.TokenValidationParameters;
        if (bearer.ConfigurationManager is { } manager)
        {
            // What JwtBearerHandler does per request: the key set's keys join the configured ones.
            var configuration = await manager.GetConfigurationAsync(cancellationToken);
            parameters = parameters.Clone();
            parameters.IssuerSigningKeys = [.. parameters.IssuerSigningKeys ?? [], .. configuration.SigningKeys];
        }

        var error = "the token is not a JWT";
        foreach (var handler in bearer.TokenHandlers)
        {
            var result = await handler.ValidateTokenAsync(token, parameters);
            if (result.IsValid)
            {
                return ClientIdentity.TryCreate(result.ClaimsIdentity, out var client, out var claimsError) ? (client, string.Empty) : (null, claimsError);
            }

            error = Describe(result.Exception);
            if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
            {
                // What JwtBearerHandler does: an unknown key id may mean the issuer rotated its keys.
                bearer.ConfigurationManager?.RequestRefresh();
            }
        }

        return (null, error);
    }

    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => "the token has expired",
        SecurityTokenNotYetValidException => "the token is not valid yet (nbf)",
        SecurityTokenNoExpirationException => "the token has no exp",
        SecurityTokenInvalidAlgorithmException => "the token's algorithm is not allowed",
        SecurityTokenInvalidSignatureException => "the token's signature does not verify",
        SecurityTokenInvalidIssuerException => "the token's issuer is not accepted",
        SecurityTokenInvalidAudienceException => "the token's audience is not accepted",
        SecurityTokenMalformedException or ArgumentException => "the token is not a well-formed JWT",
        _ => "the token is not valid",
    };
}
