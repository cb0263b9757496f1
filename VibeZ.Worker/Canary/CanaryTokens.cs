using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace VibeZ.Worker.Canary;

/// <summary>
/// Mints the canary's own token: subscribe and publish on the canary channel only, for a few minutes, so a leaked canary
/// token can do no more than the canary does.
/// </summary>
internal sealed class CanaryTokens(TimeProvider timeProvider, string signingKey, string channel)
{
    public const string Subject = "vibez-canary";

    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly SigningCredentials _credentials = new(new SymmetricSecurityKey(KeyBytes(signingKey)), SecurityAlgorithms.HmacSha256);

    public string Mint()
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { ["sub"] = Subject, ["vibez:sub"] = channel, ["vibez:pub"] = channel },
            IssuedAt = now,
            NotBefore = now,
            Expires = now + Lifetime,
            SigningCredentials = _credentials,
        });
    }

    // The same two spellings the Gateway accepts for Gateway:Auth:SigningKey.
    private static byte[] KeyBytes(string key) =>
        key.StartsWith("base64:", StringComparison.Ordinal) ? Convert.FromBase64String(key["base64:".Length..]) : Encoding.UTF8.GetBytes(key);
}
