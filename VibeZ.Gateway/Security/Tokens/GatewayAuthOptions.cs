using VibeZ.Redis;

namespace VibeZ.Gateway.Security.Tokens;

/// <summary>How clients authenticate; bound from the <c>Gateway:Auth</c> section. See docs/security.md.</summary>
public sealed partial class GatewayAuthOptions
{
    private const string Section = GatewayDefaults.AuthSectionName;

    /// <summary>Gets or sets whether clients must authenticate (<c>Gateway:Auth:Mode</c>: <c>Jwt</c> or <c>None</c>).</summary>
    /// <value>The default value is <see cref="GatewayAuthMode.Jwt"/>.</value>
    public GatewayAuthMode Mode { get; set; } = GatewayAuthMode.Jwt;

    /// <summary>
    /// Gets or sets the HMAC secret that signs HS256/HS384/HS512 tokens (<c>Gateway:Auth:SigningKey</c>): its UTF-8 text,
    /// or <c>base64:</c> and the key's bytes in base64. At least 32 bytes.
    /// </summary>
    /// <value>The default value is null; required when an HS algorithm is allowed.</value>
    public string? SigningKey { get; set; }

    /// <summary>Gets or sets the algorithms a token may be signed with (<c>Gateway:Auth:Algorithms</c>); <c>none</c> never.</summary>
    /// <value>The default value is null, meaning HS256 only.</value>
    public string[]? Algorithms { get; set; }

    /// <summary>Gets or sets the RSA or EC public key, in PEM, that verifies RS/PS/ES tokens (<c>Gateway:Auth:PublicKeyPem</c>).</summary>
    /// <value>The default value is null.</value>
    public string? PublicKeyPem { get; set; }

    /// <summary>Gets or sets the address of a JSON Web Key Set whose keys verify RS/PS/ES tokens (<c>Gateway:Auth:JwksUrl</c>).</summary>
    /// <value>The default value is null. The set is cached and refreshed by Microsoft.IdentityModel's configuration manager.</value>
    public string? JwksUrl { get; set; }

    /// <summary>Gets or sets whether <see cref="JwksUrl"/> must be https (<c>Gateway:Auth:RequireHttpsMetadata</c>).</summary>
    /// <value>The default value is true.</value>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Gets or sets the <c>iss</c> a token must carry (<c>Gateway:Auth:Issuer</c>); not checked when unset.</summary>
    /// <value>The default value is null.</value>
    public string? Issuer { get; set; }

    /// <summary>Gets or sets the <c>aud</c> a token must carry (<c>Gateway:Auth:Audience</c>); not checked when unset.</summary>
    /// <value>The default value is null.</value>
    public string? Audience { get; set; }

    /// <summary>
    /// Gets or sets how long before a connection's token runs out the Gateway asks for a new one with a <c>refresh</c>
    /// frame (<c>Gateway:Auth:RefreshGraceSeconds</c>); a connection without a new token by then is closed.
    /// </summary>
    /// <value>The default value is 30; it must be from 1 to 3600.</value>
    [SettingRange(Section, 1, 3600)]
    public double RefreshGraceSeconds { get; set; } = GatewayDefaults.RefreshGraceSeconds;

    /// <summary>Gets or sets how far the token issuer's clock may be from the Gateway's (<c>Gateway:Auth:ClockSkewSeconds</c>).</summary>
    /// <value>The default value is 30; it must be from 0 to 300.</value>
    [SettingRange(Section, 0, 300)]
    public double ClockSkewSeconds { get; set; } = GatewayDefaults.ClockSkewSeconds;

    /// <summary>Gets or sets how long a WebSocket without an Authorization header has to send its <c>connect</c> frame (<c>Gateway:Auth:ConnectTimeoutSeconds</c>).</summary>
    /// <value>The default value is 10; it must be from 1 to 300.</value>
    [SettingRange(Section, 1, 300)]
    public double ConnectTimeoutSeconds { get; set; } = GatewayDefaults.ConnectTimeoutSeconds;

    /// <summary>Gets or sets how long the tokens of <c>GET /api/dev/token</c> (Development only) live (<c>Gateway:Auth:DevTokenLifetimeSeconds</c>).</summary>
    /// <value>The default value is 300; it must be from 10 to 86400.</value>
    [SettingRange(Section, 10, 86_400)]
    public double DevTokenLifetimeSeconds { get; set; } = GatewayDefaults.DevTokenLifetimeSeconds;

    internal IReadOnlyList<string> EffectiveAlgorithms => Algorithms is { Length: > 0 } algorithms ? algorithms : [GatewayDefaults.Algorithm];

    internal TimeSpan RefreshGrace => TimeSpan.FromSeconds(RefreshGraceSeconds);

    internal TimeSpan ClockSkew => TimeSpan.FromSeconds(ClockSkewSeconds);

    internal TimeSpan ConnectTimeout => TimeSpan.FromSeconds(ConnectTimeoutSeconds);

    internal TimeSpan DevTokenLifetime => TimeSpan.FromSeconds(DevTokenLifetimeSeconds);
}
