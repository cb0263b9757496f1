using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace VibeZ.Testing.Gateway;

/// <summary>
/// Tokens for test Gateways, minted with Microsoft.IdentityModel as a backend would: test topologies run with
/// <see cref="SigningKey"/>, so every client of theirs can authenticate.
/// </summary>
public static class GatewayTokens
{
    /// <summary>The HMAC key test Gateways run with (<c>Gateway__Auth__SigningKey</c>); long enough for HS256.</summary>
    public const string SigningKey = "vibez-tests-signing-key-0123456789abcdefghij";

    /// <summary>The subject of tokens that name none: one scope for every helper client, as one user would be.</summary>
    public const string Subject = "vibez-tests";

    public const string SigningKeySetting = "Gateway__Auth__SigningKey";

    /// <summary>Long enough for any test or benchmark run.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    /// <summary>A token granting the given patterns (an empty grant leaves its claim out); every channel by default.</summary>
    public static string Mint(
        string subject = Subject, string subscribe = "*", string publish = "*", string history = "*", string apiPublish = "*",
        TimeSpan? lifetime = null, string key = SigningKey, string? issuer = null, string? audience = null)
    {
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        Add(claims, "vibez:sub", subscribe);
        Add(claims, "vibez:pub", publish);
        Add(claims, "vibez:hist", history);
        Add(claims, "vibez:api_publish", apiPublish);
        var now = DateTime.UtcNow;
        return Sign(claims, now + (lifetime ?? Lifetime), notBefore: now, issuer, audience, key);
    }

    /// <summary>A token with exactly these claims and times, signed with <paramref name="key"/>.</summary>
    public static string Sign(
        IDictionary<string, object> claims, DateTime? expires, DateTime? notBefore = null, string? issuer = null, string? audience = null,
        string key = SigningKey, string algorithm = SecurityAlgorithms.HmacSha256) =>
        Sign(claims, expires, notBefore, issuer, audience, new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), algorithm));

    /// <summary>A token with exactly these claims and times, signed with <paramref name="credentials"/> (RSA, EC, HMAC).</summary>
    public static string Sign(
        IDictionary<string, object> claims, DateTime? expires, DateTime? notBefore, string? issuer, string? audience, SigningCredentials credentials)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            IssuedAt = now,
            NotBefore = notBefore,
            Expires = expires,
            Issuer = issuer,
            Audience = audience,
            SigningCredentials = credentials,
        });
    }

    /// <summary>An unsigned token (<c>"alg":"none"</c>) with these claims: what an attacker without the key can make.</summary>
    public static string Unsigned(IDictionary<string, object> claims) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor { Claims = claims });

    /// <summary>The claims of a token for <paramref name="subject"/> that grants every channel.</summary>
    public static Dictionary<string, object> AllGrants(string subject = Subject) => new()
    {
        ["sub"] = subject,
        ["vibez:sub"] = "*",
        ["vibez:pub"] = "*",
        ["vibez:hist"] = "*",
        ["vibez:api_publish"] = "*",
    };

    /// <summary>The kinds of bad token <see cref="Bad"/> makes: each must be refused.</summary>
    public static readonly IReadOnlyList<string> BadKinds =
        ["expired", "not yet valid", "wrong signature", "alg none", "no exp", "no sub", "wrong issuer", "wrong audience", "garbage"];

    /// <summary>
    /// A token that is wrong in exactly one way (<paramref name="kind"/>, one of <see cref="BadKinds"/>) for a Gateway
    /// that checks <paramref name="issuer"/> and <paramref name="audience"/> and holds <see cref="SigningKey"/>.
    /// </summary>
    public static string Bad(string kind, string issuer, string audience)
    {
        var now = DateTime.UtcNow;
        var claims = AllGrants("mallory");
        return kind switch
        {
            "expired" => Sign(claims, now.AddHours(-1), now.AddHours(-2), issuer, audience),
            "not yet valid" => Sign(claims, now.AddHours(2), now.AddHours(1), issuer, audience),
            "wrong signature" => Sign(claims, now.AddHours(1), null, issuer, audience, key: "another-key-that-is-long-enough-0123456789"),
            "alg none" => Unsigned(new Dictionary<string, object>(claims) { ["exp"] = new DateTimeOffset(now.AddHours(1)).ToUnixTimeSeconds(), ["iss"] = issuer, ["aud"] = audience }),
            "no exp" => Sign(claims, null, null, issuer, audience),
            "no sub" => Sign(new Dictionary<string, object> { ["vibez:sub"] = "*" }, now.AddHours(1), null, issuer, audience),
            "wrong issuer" => Sign(claims, now.AddHours(1), null, "someone-else", audience),
            "wrong audience" => Sign(claims, now.AddHours(1), null, issuer, "another-app"),
            "garbage" => "not.a.token",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, string.Join(", ", BadKinds)),
        };
    }

    private static void Add(Dictionary<string, object> claims, string name, string patterns)
    {
        if (patterns.Length > 0)
        {
            claims[name] = patterns;
        }
    }
}
