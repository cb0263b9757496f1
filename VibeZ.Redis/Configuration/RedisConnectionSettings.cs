using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace VibeZ.Redis.Configuration;

/// <summary>
/// The Redis settings of a VibeZ process, parsed and checked once at start-up from <c>REDIS_*</c> (or the <c>Redis</c> section).
/// </summary>
public sealed class RedisConnectionSettings
{
    /// <summary>Gets how Redis is reached.</summary>
    /// <value>The default value is <see cref="RedisMode.Single"/>.</value>
    public required RedisMode Mode { get; init; }

    /// <summary>
    /// Gets the endpoints dialed first: the <c>REDIS_URL</c> server, the sentinels, or the cluster seed nodes.
    /// </summary>
    public required IReadOnlyList<EndPoint> EndPoints { get; init; }

    /// <summary>Gets a value indicating whether every connection, to nodes and sentinels, uses TLS (<c>REDIS_TLS</c> or <c>rediss://</c>).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool UseTls { get; init; }

    /// <summary>
    /// Gets the PEM file of the certificate authorities the servers' certificates must chain to (<c>REDIS_TLS_CA_FILE</c>),
    /// or null to trust the system's store.
    /// </summary>
    public string? TlsCaFile { get; init; }

    /// <summary>Gets the certificates read from <see cref="TlsCaFile"/> at start-up; null when it is not set.</summary>
    internal X509Certificate2Collection? TlsCaCertificates { get; init; }

    /// <summary>Gets the ACL user for Redis itself, from <c>REDIS_USERNAME</c> or the URL.</summary>
    public string? User { get; init; }

    /// <summary>Gets the password for Redis itself; <c>REDIS_PASSWORD</c> wins over a password in the URL.</summary>
    public string? Password { get; init; }

    /// <summary>Gets the database from the URL path, or null for the server's default.</summary>
    public int? Database { get; init; }

    /// <summary>Gets the sentinel service name (<c>REDIS_SENTINEL_NAME</c>); null outside sentinel mode.</summary>
    /// <value>The default value in sentinel mode is <c>mymaster</c>.</value>
    public string? SentinelServiceName { get; init; }

    /// <summary>
    /// Gets the password for the sentinels (<c>REDIS_SENTINEL_PASSWORD</c>); when null the sentinels get
    /// <see cref="User"/> and <see cref="Password"/>, as StackExchange.Redis does on its own.
    /// </summary>
    public string? SentinelPassword { get; init; }

    /// <summary>Gets the announced-to-reachable address map.</summary>
    /// <value>The default value is <see cref="RedisNatMap.Empty"/>.</value>
    public RedisNatMap NatMap { get; init; } = RedisNatMap.Empty;

    /// <summary>
    /// Gets the setting (e.g. <c>REDIS_PASSWORD</c>) whose password replaced one in <c>REDIS_URL</c>, so start-up can warn about it.
    /// </summary>
    internal string? UrlPasswordOverriddenBy { get; init; }

    /// <summary>Describes the settings without any password.</summary>
    public override string ToString() =>
        $"{Mode.ToString().ToLowerInvariant()} {string.Join(",", EndPoints.Select(RedisEndPointFormatter.Format))}"
        + (SentinelServiceName is null ? "" : $" service={SentinelServiceName}")
        + (UseTls ? " tls" : "")
        + (Password is null ? "" : " password=" + RedisSecretMasker.Mask)
        + (NatMap.IsEmpty ? "" : $" natMap={NatMap.Count}");
}
