using System.Net;
using Microsoft.Extensions.Configuration;

namespace VibeZ.ServiceDefaults.Redis;

/// <summary>
/// Reads <c>REDIS_*</c> (falling back to the <c>Redis</c> section) into <see cref="RedisConnectionSettings"/>,
/// throwing one <see cref="RedisConfigurationException"/> that names the key that supplied a bad value.
/// </summary>
internal static class RedisSettingsReader
{
    public static RedisConnectionSettings Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        var mode = ReadMode(configuration);
        var password = Get(configuration, RedisSetting.Password);
        var username = Get(configuration, RedisSetting.Username);
        var natMap = Get(configuration, RedisSetting.NatMap);
        var parsedNatMap = RedisNatMap.Parse(NullIfBlank(natMap.Value), natMap.Source);

        return mode switch
        {
            RedisMode.Sentinel => new RedisConnectionSettings
            {
                Mode = mode,
                EndPoints = ReadNodes(configuration, RedisSetting.Sentinels, mode, RedisDefaults.SentinelPort),
                User = NullIfBlank(username.Value),
                Password = NullIfBlank(password.Value),
                SentinelServiceName = ReadSentinelName(configuration),
                SentinelPassword = NullIfBlank(Get(configuration, RedisSetting.SentinelPassword).Value),
                NatMap = parsedNatMap,
            },
            RedisMode.Cluster => new RedisConnectionSettings
            {
                Mode = mode,
                EndPoints = ReadNodes(configuration, RedisSetting.ClusterNodes, mode, RedisDefaults.RedisPort),
                User = NullIfBlank(username.Value),
                Password = NullIfBlank(password.Value),
                NatMap = parsedNatMap,
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
        IConfiguration configuration, ConfiguredValue username, ConfiguredValue password, RedisNatMap natMap)
    {
        var (value, source) = Get(configuration, RedisSetting.Url);
        var url = RedisUrl.Parse(NullIfBlank(value)?.Trim() ?? RedisDefaults.Url, source);
        var explicitPassword = NullIfBlank(password.Value);

        return new RedisConnectionSettings
        {
            Mode = RedisMode.Single,
            EndPoints = [url.EndPoint],
            UseTls = url.UseTls,
            User = NullIfBlank(username.Value) ?? url.User,
            Password = explicitPassword ?? url.Password,
            Database = url.Database,
            NatMap = natMap,
            UrlPasswordOverriddenBy = explicitPassword is not null && url.Password is not null ? password.Source : null,
        };
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
