using System.Net;
using Microsoft.Extensions.Configuration;

namespace VibeZ.ServiceDefaults.Redis.Configuration;

/// <summary>
/// Reads <c>REDIS_*</c> (falling back to the <c>Redis</c> section) into <see cref="RedisConnectionSettings"/>,
/// throwing one <see cref="RedisConfigurationException"/> that names the key that supplied a bad value.
/// </summary>
internal static partial class RedisSettingsReader
{
    private static readonly System.Buffers.SearchValues<char> WhiteSpaceOrControl = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 0x10000).Select(c => (char)c).Where(c => char.IsWhiteSpace(c) || char.IsControl(c))]);

    public static RedisConnectionSettings Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        var mode = ReadMode(configuration);
        var password = Get(configuration, RedisSetting.Password);
        var username = ReadUsername(configuration, password);
        var natMap = Get(configuration, RedisSetting.NatMap);
        var parsedNatMap = RedisNatMap.Parse(NullIfBlank(natMap.Value), natMap.Source);

        // In single mode the URL's scheme has a say too, so ReadSingle reads TLS itself.
        var tls = mode is RedisMode.Single ? default : ReadTls(configuration, url: null);

        return mode switch
        {
            RedisMode.Sentinel => new RedisConnectionSettings
            {
                Mode = mode,
                EndPoints = ReadNodes(configuration, RedisSetting.Sentinels, mode, RedisDefaults.SentinelPort),
                User = username,
                Password = NullIfBlank(password.Value),
                SentinelServiceName = ReadSentinelName(configuration),
                SentinelPassword = NullIfBlank(Get(configuration, RedisSetting.SentinelPassword).Value),
                NatMap = parsedNatMap,
                UseTls = tls.UseTls,
                TlsCaFile = tls.CaFile,
                TlsCaCertificates = tls.Authorities,
            },
            RedisMode.Cluster => new RedisConnectionSettings
            {
                Mode = mode,
                EndPoints = ReadNodes(configuration, RedisSetting.ClusterNodes, mode, RedisDefaults.RedisPort),
                User = username,
                Password = NullIfBlank(password.Value),
                NatMap = parsedNatMap,
                UseTls = tls.UseTls,
                TlsCaFile = tls.CaFile,
                TlsCaCertificates = tls.Authorities,
            },
            _ => ReadSingle(configuration, username, password, parsedNatMap),
        };
    }

    private static RedisMode ReadMode(IConfiguration configuration)
    {
        var (value, source) = Get(configuration, RedisSetting.Mode);
        return NullIfBlank(value)?.Trim().ToLowerInvariant() switch
        {
            null or "single" => RedisMode.Single,
            "sentinel" => RedisMode.Sentinel,
            "cluster" => RedisMode.Cluster,
            _ => throw new RedisConfigurationException(
                source, $"{source} value '{value}' is invalid: expected 'single', 'sentinel' or 'cluster'."),
        };
    }

    private static RedisConnectionSettings ReadSingle(
        IConfiguration configuration, string? username, ConfiguredValue password, RedisNatMap natMap)
    {
        var (value, source) = Get(configuration, RedisSetting.Url);
        var url = RedisUrl.Parse(NullIfBlank(value)?.Trim() ?? RedisDefaults.Url, source);
        var explicitPassword = NullIfBlank(password.Value);
        var tls = ReadTls(configuration, (url, source));

        return new RedisConnectionSettings
        {
            Mode = RedisMode.Single,
            EndPoints = [url.EndPoint],
            UseTls = tls.UseTls,
            TlsCaFile = tls.CaFile,
            TlsCaCertificates = tls.Authorities,
            User = username ?? url.User,
            Password = explicitPassword ?? url.Password,
            Database = url.Database,
            NatMap = natMap,
            UrlPasswordOverriddenBy = explicitPassword is not null && url.Password is not null ? password.Source : null,
        };
    }

    /// <summary>
    /// The ACL user services connect as. Redis names users by one word and authenticates them by password, so a name
    /// with spaces or control characters, or a name without a password, can never log in: better to stop at start-up
    /// than to retry AUTH forever. The name is no secret and is repeated in the message; the password never is.
    /// </summary>
    private static string? ReadUsername(IConfiguration configuration, ConfiguredValue password)
    {
        var (value, source) = Get(configuration, RedisSetting.Username);
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

        if (NullIfBlank(password.Value) is null && !HasUrlPassword(configuration))
        {
            throw new RedisConfigurationException(
                source, $"{source} is '{username}', but {password.Source} is not set: an ACL user logs in with a password.");
        }

        return username;
    }

    // A password in REDIS_URL counts too; a URL that does not parse is reported by ReadSingle, naming REDIS_URL.
    private static bool HasUrlPassword(IConfiguration configuration)
    {
        var (value, source) = Get(configuration, RedisSetting.Url);
        try
        {
            return NullIfBlank(value) is { } url && RedisUrl.Parse(url.Trim(), source).Password is not null;
        }
        catch (RedisConfigurationException)
        {
            return false;
        }
    }

    private static List<EndPoint> ReadNodes(IConfiguration configuration, RedisSetting setting, RedisMode mode, int defaultPort)
    {
        var (value, source) = Get(configuration, setting);
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

    private static string ReadSentinelName(IConfiguration configuration)
    {
        var (value, source) = Get(configuration, RedisSetting.SentinelName);

        // Unset means the conventional default; set but blank is a mistake worth stopping for.
        if (value is null)
        {
            return RedisDefaults.SentinelName;
        }

        return string.IsNullOrWhiteSpace(value)
            ? throw new RedisConfigurationException(source, $"{source} value '{value}' is invalid: the sentinel service name must not be empty.")
            : value.Trim();
    }

    /// <summary>
    /// The variable wins over the section key; a blank value still counts as present so the caller can tell
    /// "set to nothing" from "not set". Values are not trimmed here, because a password may start or end with a space.
    /// </summary>
    private static ConfiguredValue Get(IConfiguration configuration, RedisSetting setting)
    {
        var variable = configuration[setting.Variable];
        var section = configuration[setting.SectionKey];

        if (!string.IsNullOrWhiteSpace(variable))
        {
            return new(variable, setting.Variable);
        }

        if (!string.IsNullOrWhiteSpace(section))
        {
            return new(section, setting.SectionKey);
        }

        return variable is not null ? new(variable, setting.Variable)
            : section is not null ? new(section, setting.SectionKey)
            : new(null, setting.Variable);
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private readonly record struct ConfiguredValue(string? Value, string Source);
}
