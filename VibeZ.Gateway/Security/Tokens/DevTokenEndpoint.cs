using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using VibeZ.Gateway.Security.Grants;

namespace VibeZ.Gateway.Security.Tokens;

/// <summary>
/// <c>GET /api/dev/token?sub=NAME&amp;subscribe=PATTERN&amp;publish=PATTERN[&amp;history=PATTERN]</c>, in Development only:
/// a short-lived token signed with the Gateway's own HMAC key, so the page works with one command. History defaults to
/// the subscribe pattern, so the page can resume after a reconnect.
/// </summary>
internal static class DevTokenEndpoint
{
    public const string Path = "/api/dev/token";

    /// <summary>Maps the endpoint when the Gateway holds an HMAC key to sign with; returns whether it did.</summary>
    public static bool TryMapDevTokens(this IEndpointRouteBuilder endpoints, GatewayAuthOptions options)
    {
        // Only the HMAC secret can sign here; with public keys alone the Gateway holds nothing to sign with.
        var algorithm = options.EffectiveAlgorithms.FirstOrDefault(GatewaySigningKeys.IsHmac);
        if (algorithm is null || GatewaySigningKeys.TryReadSecret(options.SigningKey, out _) is not { } secret)
        {
            return false;
        }

        var credentials = new SigningCredentials(new SymmetricSecurityKey(secret), algorithm);
        var handler = new JsonWebTokenHandler();
        endpoints.MapGet(Path, (string? sub, string? subscribe, string? publish, string? history, HttpResponse response, TimeProvider time) =>
        {
            if (string.IsNullOrEmpty(sub) || sub.Length > 128)
            {
                return Results.Problem("sub is the client's name, 1 to 128 characters.", statusCode: StatusCodes.Status400BadRequest,
                    extensions: new Dictionary<string, object?> { ["code"] = GatewayErrorCodes.InvalidFrame, ["retryable"] = false });
            }

            var now = time.GetUtcNow().UtcDateTime;
            var token = handler.CreateToken(new SecurityTokenDescriptor
            {
                Issuer = options.Issuer,
                Audience = options.Audience,
                IssuedAt = now,
                NotBefore = now,
                Expires = now + options.DevTokenLifetime,
                SigningCredentials = credentials,
                Claims = new Dictionary<string, object>
                {
                    [GatewayClaims.Subject] = sub,
                    [GatewayClaims.Subscribe] = subscribe ?? string.Empty,
                    [GatewayClaims.Publish] = publish ?? string.Empty,
                    [GatewayClaims.History] = history ?? subscribe ?? string.Empty,
                },
            });
            response.Headers.CacheControl = "no-store";
            return Results.Ok(new { token });
        });
        return true;
    }
}
