namespace VibeZ.Redis.Configuration;

/// <summary>
/// Hides the password in a <c>redis://</c> URL so it can appear in error messages, even when the URL is malformed.
/// </summary>
internal static class RedisSecretMasker
{
    public const string Mask = "***";

    public static string MaskUrl(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var authorityStart = schemeEnd < 0 ? 0 : schemeEnd + 3;
        var at = url.LastIndexOf('@');
        if (at < authorityStart)
        {
            return url;
        }

        var userInfo = url[authorityStart..at];
        var colon = userInfo.IndexOf(':');

        // A lone part is a user name to us, but a hand-written URL may mean it as a password, so it is hidden too.
        var masked = colon < 0 ? Mask : userInfo[..colon] + ":" + Mask;
        return url[..authorityStart] + masked + url[at..];
    }
}
