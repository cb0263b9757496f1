using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;

namespace VibeZ.Redis.Configuration;

/// <summary>
/// Binds the <c>Redis</c> section (<c>REDIS_*</c> mapped onto it by <see cref="RedisEnvironmentConfigurationSource"/>)
/// and parses it into <see cref="RedisConnectionSettings"/>, throwing one <see cref="RedisConfigurationException"/> that
/// names the key that supplied a bad value.
/// </summary>
internal static class RedisSettingsReader
{
    private static readonly System.Buffers.SearchValues<char> WhiteSpaceOrControl = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 0x10000).Select(c => (char)c).Where(c => char.IsWhiteSpace(c) || char.IsControl(c))]);

    public static RedisConnectionSettings Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        var options = configuration.GetSection(RedisOptions.Section).Get<RedisOptions>() ?? new();

        // A blank value still counts as set, so "set to nothing" differs from "not set". Values are not trimmed here,
        // because a password may start or end with a space.
        ConfiguredValue Get(string? value, string property) => new(value, RedisEnvironmentConfigurationSource.SettingOf(configuration, property));

        var mode = ReadMode(Get(options.Mode, nameof(options.Mode)));
        var url = Get(options.Url, nameof(options.Url));
        var password = Get(options.Password, nameof(options.Password));
        // Only single mode connects to REDIS_URL, so only there can its password go with REDIS_USERNAME.
        var username = ReadUsername(Get(options.Username, nameof(options.Username)), password, mode is RedisMode.Single ? url : url with { Value = null });
        var natMap = Get(options.NatMap, nameof(options.NatMap));
        var parsedNatMap = RedisNatMap.Parse(NullIfBlank(natMap.Value), natMap.Source);

        // In single mode the URL names the server, and its scheme has a say in TLS too.
        var singleUrl = mode is RedisMode.Single ? RedisUrl.Parse(NullIfBlank(url.Value)?.Trim() ?? RedisDefaults.Url, url.Source) : null;
        var tls = ReadTls(Get(options.Tls, nameof(options.Tls)), Get(options.TlsCaFile, nameof(options.TlsCaFile)), singleUrl is null ? null : (singleUrl, url.Source));
        var explicitPassword = NullIfBlank(password.Value);
        var sentinel = mode is RedisMode.Sentinel;
        return new RedisConnectionSettings
        {
            Mode = mode,
            EndPoints = singleUrl is not null ? [singleUrl.EndPoint]
                : sentinel ? ReadNodes(Get(options.Sentinels, nameof(options.Sentinels)), mode, RedisContract.DefaultSentinelPort)
                : ReadNodes(Get(options.ClusterNodes, nameof(options.ClusterNodes)), mode, RedisContract.DefaultRedisPort),
            User = username ?? singleUrl?.User,
            Password = explicitPassword ?? singleUrl?.Password,
            Database = singleUrl?.Database,
            SentinelServiceName = sentinel ? ReadSentinelName(Get(options.SentinelName, nameof(options.SentinelName))) : null,
            SentinelPassword = sentinel ? NullIfBlank(options.SentinelPassword) : null,
            NatMap = parsedNatMap,
            UseTls = tls.UseTls,
            TlsCaFile = tls.CaFile,
            TlsCaCertificates = tls.Authorities,
            UrlPasswordOverriddenBy = explicitPassword is not null && singleUrl?.Password is not null ? password.Source : null,
        };
    }

    private static RedisMode ReadMode(ConfiguredValue mode) => NullIfBlank(mode.Value)?.Trim().ToLowerInvariant() switch
    {
        null or "single" => RedisMode.Single,
        "sentinel" => RedisMode.Sentinel,
        "cluster" => RedisMode.Cluster,
        _ => throw new RedisConfigurationException(
            mode.Source, $"{mode.Source} value '{mode.Value}' is invalid: expected 'single', 'sentinel' or 'cluster'."),
    };

    /// <summary>
    /// The ACL user services connect as. Redis names users by one word and authenticates them by password, so a name
    /// with spaces or control characters, or a name without a password, can never log in: better to stop at start-up
    /// than to retry AUTH forever. The name is no secret and is repeated in the message; the password never is.
    /// </summary>
    private static string? ReadUsername(ConfiguredValue user, ConfiguredValue password, ConfiguredValue url)
    {
        var (value, source) = user;
        if (NullIfBlank(value) is not { } username)
        {
            return null;
        }

        // The value is not repeated here: "user password" pasted into one setting would put the password in the log.
        var bad = username.AsSpan().IndexOfAny(WhiteSpaceOrControl);
        if (bad >= 0)
        {
            throw new RedisConfigurationException(
                source, $"{source} value is invalid: it has a space or control character at position {bad + 1} of {username.Length}, and a Redis ACL user name is one word.");
        }

        if (NullIfBlank(password.Value) is null && !HasUrlPassword(url))
        {
            throw new RedisConfigurationException(
                source, $"{source} is '{username}', but {password.Source} is not set: an ACL user logs in with a password.");
        }

        return username;
    }

    // A password in REDIS_URL counts too (in single mode, see Read); a URL that does not parse is reported by
    // Read, naming REDIS_URL.
    private static bool HasUrlPassword(ConfiguredValue url)
    {
        try
        {
            return NullIfBlank(url.Value) is { } text && RedisUrl.Parse(text.Trim(), url.Source).Password is not null;
        }
        catch (RedisConfigurationException)
        {
            return false;
        }
    }

    private static List<EndPoint> ReadNodes(ConfiguredValue nodes, RedisMode mode, int defaultPort)
    {
        var (value, source) = nodes;
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new RedisConfigurationException(
                source,
                $"{source} is required when REDIS_MODE is '{mode.ToString().ToLowerInvariant()}', but it is '{value ?? "(not set)"}'; list host:port pairs separated by commas.");
        }

        var endPoints = new List<EndPoint>();
        foreach (var entry in value.Split(','))
        {
            var endPoint = RedisEndPointParser.TryParse(entry, defaultPort, out var problem)
                ?? throw new RedisConfigurationException(source, $"{source} value '{value}' is invalid: {problem}.");
            endPoints.Add(endPoint);
        }

        return endPoints;
    }

    // Unset means the conventional default; set but blank is a mistake worth stopping for.
    private static string ReadSentinelName(ConfiguredValue name) => name.Value switch
    {
        null => RedisContract.DefaultSentinelName,
        var value when string.IsNullOrWhiteSpace(value) => throw new RedisConfigurationException(
            name.Source, $"{name.Source} value '{value}' is invalid: the sentinel service name must not be empty."),
        var value => value.Trim(),
    };

    /// <summary>
    /// <c>REDIS_TLS</c> and <c>REDIS_TLS_CA_FILE</c>. The CA file is read here, at start-up, so a file that is missing,
    /// unreadable or holds no certificate stops the process with its name instead of failing every TLS handshake later.
    /// </summary>
    /// <param name="flag"><c>REDIS_TLS</c> and the key it came from.</param>
    /// <param name="ca"><c>REDIS_TLS_CA_FILE</c> and the key it came from.</param>
    /// <param name="url">The single server's URL and the setting it came from; null in sentinel and cluster mode.</param>
    private static TlsSettings ReadTls(ConfiguredValue flag, ConfiguredValue ca, (RedisUrl Url, string Source)? url)
    {
        var (value, source) = flag;
        bool? on = NullIfBlank(value)?.Trim() is not { } text ? null
            : bool.TryParse(text, out var parsed) ? parsed
            : throw new RedisConfigurationException(source, $"{source} value '{value}' is invalid: expected 'true' or 'false'.");

        // Two settings that disagree are a mistake; guessing which one was meant could send the password in clear text.
        if (on is false && url is { Url.UseTls: true } tlsUrl)
        {
            throw new RedisConfigurationException(
                source, $"{source} is 'false', but {tlsUrl.Source} starts with rediss://, which asks for TLS; set one or the other.");
        }

        var useTls = on is true || url is { Url.UseTls: true };
        var (caValue, caSource) = ca;
        if (NullIfBlank(caValue)?.Trim() is not { } caFile)
        {
            return new(useTls, null, null);
        }

        if (!useTls)
        {
            throw new RedisConfigurationException(
                caSource, $"{caSource} is '{caFile}', but TLS is off: set {RedisContract.Tls}=true (or use rediss:// in {RedisContract.Url}).");
        }

        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(caFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new RedisConfigurationException(caSource, $"{caSource} value '{caFile}' cannot be used: {ex.Message}");
        }

        return authorities.Count > 0
            ? new(useTls, caFile, authorities)
            : throw new RedisConfigurationException(
                caSource, $"{caSource} value '{caFile}' cannot be used: it holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private readonly record struct ConfiguredValue(string? Value, string Source);

    private readonly record struct TlsSettings(bool UseTls, string? CaFile, X509Certificate2Collection? Authorities);
}
