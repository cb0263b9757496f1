using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;

namespace VibeZ.ServiceDefaults.Redis.Configuration;

/// <summary>The TLS settings of <see cref="RedisSettingsReader"/>: <c>REDIS_TLS</c> and the CA file to trust, read once at start-up.</summary>
internal static partial class RedisSettingsReader
{
    /// <summary>
    /// <c>REDIS_TLS</c> and <c>REDIS_TLS_CA_FILE</c>. The CA file is read here, at start-up, so a file that is missing,
    /// unreadable or holds no certificate stops the process with its name instead of failing every TLS handshake later.
    /// </summary>
    /// <param name="configuration">The configuration.</param>
    /// <param name="url">The single server's URL and the setting it came from; null in sentinel and cluster mode.</param>
    private static TlsSettings ReadTls(IConfiguration configuration, (RedisUrl Url, string Source)? url)
    {
        var (value, source) = Get(configuration, RedisSetting.Tls);
        bool? flag = NullIfBlank(value)?.Trim() is not { } text ? null
            : bool.TryParse(text, out var parsed) ? parsed
            : throw new RedisConfigurationException(source, $"{source} value '{value}' is invalid: expected 'true' or 'false'.");

        // Two settings that disagree are a mistake; guessing which one was meant could send the password in clear text.
        if (flag is false && url is { Url.UseTls: true } tlsUrl)
        {
            throw new RedisConfigurationException(
                source, $"{source} is 'false', but {tlsUrl.Source} starts with rediss://, which asks for TLS; set one or the other.");
        }

        var useTls = flag is true || url is { Url.UseTls: true };
        var (caValue, caSource) = Get(configuration, RedisSetting.TlsCaFile);
        if (NullIfBlank(caValue)?.Trim() is not { } caFile)
        {
            return new(useTls, null, null);
        }

        if (!useTls)
        {
            throw new RedisConfigurationException(
                caSource, $"{caSource} is '{caFile}', but TLS is off: set {RedisSetting.Tls.Variable}=true (or use rediss:// in {RedisSetting.Url.Variable}).");
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

    private readonly record struct TlsSettings(bool UseTls, string? CaFile, X509Certificate2Collection? Authorities);
}
