using System.Globalization;
using System.Net;

namespace VibeZ.Redis.Configuration;

/// <summary>
/// <c>redis://[user:password@]host[:port][/db]</c>; <c>rediss://</c> asks for TLS.
/// </summary>
internal sealed record RedisUrl(EndPoint EndPoint, bool UseTls, string? User, string? Password, int? Database)
{
    public static RedisUrl Parse(string value, string setting)
    {
        var schemeEnd = value.IndexOf("://", StringComparison.Ordinal);
        var scheme = schemeEnd < 0 ? "" : value[..schemeEnd].ToLowerInvariant();
        if (scheme is not ("redis" or "rediss"))
        {
            throw Invalid(setting, value, "it must start with redis:// or rediss://");
        }

        var rest = value[(schemeEnd + 3)..];
        if (rest.Contains('?') || rest.Contains('#'))
        {
            throw Invalid(setting, value, "query strings and fragments are not supported");
        }

        // The last '@' ends the user info, so an unescaped '@' inside a password still parses.
        var at = rest.LastIndexOf('@');
        var userInfo = at < 0 ? null : rest[..at];
        var hostAndPath = at < 0 ? rest : rest[(at + 1)..];

        var slash = hostAndPath.IndexOf('/');
        var hostPort = slash < 0 ? hostAndPath : hostAndPath[..slash];
        var path = slash < 0 ? "" : hostAndPath[(slash + 1)..];

        if (hostPort.Length == 0)
        {
            throw Invalid(setting, value, "it has no host");
        }

        var endPoint = RedisEndPointParser.TryParse(hostPort, RedisContract.DefaultRedisPort, out var problem)
            ?? throw Invalid(setting, value, problem!);

        int? database = null;
        if (path.Length > 0)
        {
            if (!int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out var db))
            {
                throw Invalid(setting, value, $"database '{path}' is not a non-negative number");
            }

            database = db;
        }

        var (user, password) = SplitUserInfo(userInfo);
        return new RedisUrl(endPoint, scheme == "rediss", user, password, database);
    }

    /// <summary>Keeps the password out of records' generated <c>ToString</c>.</summary>
    public override string ToString() =>
        $"{(UseTls ? "rediss" : "redis")}://{UserInfo}{RedisEndPointFormatter.Format(EndPoint)}{(Database is int db ? "/" + db.ToString(CultureInfo.InvariantCulture) : "")}";

    private string UserInfo => (User, Password) switch
    {
        (null, null) => "",
        (_, null) => User + "@",
        _ => User + ":" + RedisSecretMasker.Mask + "@",
    };

    private static (string? User, string? Password) SplitUserInfo(string? userInfo)
    {
        if (string.IsNullOrEmpty(userInfo))
        {
            return (null, null);
        }

        var colon = userInfo.IndexOf(':');
        if (colon < 0)
        {
            // redis://alice@host names a user without a password, as ioredis and redis-py read it.
            return (Uri.UnescapeDataString(userInfo), null);
        }

        var user = Uri.UnescapeDataString(userInfo[..colon]);
        var password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
        return (user.Length == 0 ? null : user, password.Length == 0 ? null : password);
    }

    private static RedisConfigurationException Invalid(string setting, string value, string reason) =>
        new(setting, $"{setting} value '{RedisSecretMasker.MaskUrl(value)}' is invalid: {reason}.");
}
