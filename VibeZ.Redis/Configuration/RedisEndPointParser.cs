using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace VibeZ.Redis.Configuration;

/// <summary>
/// Parses <c>host:port</c> and <c>[ipv6]:port</c>; the caller turns a problem into a message naming its setting.
/// </summary>
internal static class RedisEndPointParser
{
    public static EndPoint? TryParse(string text, int? defaultPort, out string? problem)
    {
        text = text.Trim();
        if (text.Length == 0)
        {
            problem = "an entry is empty";
            return null;
        }

        if (!TrySplit(text, out var host, out var portText, out problem))
        {
            return null;
        }

        if (host.Length == 0)
        {
            problem = $"'{text}' has no host";
            return null;
        }

        if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            problem = $"'{text}' has '{host}', which is not a host name or IP address";
            return null;
        }

        int port;
        if (portText is null)
        {
            if (defaultPort is not int fallback)
            {
                problem = $"'{text}' has no port";
                return null;
            }

            port = fallback;
        }
        else if (!long.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var wide))
        {
            problem = $"'{text}' has port '{portText}', which is not a number";
            return null;
        }
        else if (wide is < IPEndPoint.MinPort + 1 or > IPEndPoint.MaxPort)
        {
            problem = $"'{text}' has port {wide}, which is outside 1-65535";
            return null;
        }
        else
        {
            port = (int)wide;
        }

        problem = null;
        return TryParseAddress(host) is IPAddress address ? new IPEndPoint(address, port) : new DnsEndPoint(host, port);
    }

    /// <summary>
    /// Only dotted quads and colon forms count as IP literals: <see cref="IPAddress.TryParse(string?, out IPAddress?)"/>
    /// would also read a host named "123" as 0.0.0.123.
    /// </summary>
    public static IPAddress? TryParseAddress(string host)
    {
        var looksLikeIp = host.Contains(':') || host.Count(c => c == '.') == 3;
        return looksLikeIp && IPAddress.TryParse(host, out var address) ? address : null;
    }

    private static bool TrySplit(string text, out string host, out string? portText, out string? problem)
    {
        host = "";
        portText = null;
        problem = null;

        if (text[0] == '[')
        {
            var close = text.IndexOf(']');
            if (close < 0)
            {
                problem = $"'{text}' opens '[' without closing it";
                return false;
            }

            host = text[1..close];
            var rest = text[(close + 1)..];
            if (rest.Length > 0 && rest[0] != ':')
            {
                problem = $"'{text}' has '{rest}' after ']', expected ':port'";
                return false;
            }

            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                problem = $"'{text}' has '{host}' in brackets, which is not an IPv6 address";
                return false;
            }

            portText = rest.Length > 0 ? rest[1..] : null;
            return true;
        }

        var colon = text.LastIndexOf(':');
        if (colon >= 0 && text.IndexOf(':') != colon)
        {
            problem = $"'{text}' looks like an IPv6 address; write it as [address]:port";
            return false;
        }

        host = colon < 0 ? text : text[..colon];
        portText = colon < 0 ? null : text[(colon + 1)..];
        return true;
    }
}
