using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace VibeZ.Gateway.Security.Browser;

/// <summary>
/// Which web pages may open <c>/ws</c>: a browser says which page opens a socket in <c>Origin</c>, and any page could
/// otherwise talk to the Gateway with the user's network position. Its own pages always may (the origin's host is the
/// request's, which <c>AllowedHosts</c> pins, so a rebound DNS name cannot pass as it), and so may
/// <c>Gateway:AllowedOrigins</c>. Clients that are not browsers send no <c>Origin</c> and are judged by their token alone.
/// </summary>
internal sealed class OriginPolicy
{
    private readonly HashSet<string> _allowed;
    private readonly bool _any;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, bool> _logged = new(StringComparer.OrdinalIgnoreCase);
    private int _limitLogged;

    public OriginPolicy(IOptions<GatewayOptions> options, ILogger<OriginPolicy> logger)
    {
        var configured = options.Value.AllowedOrigins ?? [];
        _any = configured.Contains("*");
        _allowed = new HashSet<string>(configured.Select(Normalize).OfType<string>(), StringComparer.OrdinalIgnoreCase);
        _logger = logger;
    }

    /// <summary>The origin as browsers write it (scheme, host, port unless the default), or null when it is not one.</summary>
    public static string? Normalize(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.PathAndQuery == "/" && uri.UserInfo.Length == 0 && !origin.EndsWith('/')
            ? uri.GetLeftPart(UriPartial.Authority)
            : null;

    /// <summary>Whether the request may open a socket; a refused origin is logged the first time it is seen.</summary>
    public bool Allows(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0 || _any)
        {
            return true;
        }

        var normalized = Normalize(origin);
        if (normalized is not null && (_allowed.Contains(normalized) || IsOwn(new Uri(normalized), request.Host)))
        {
            return true;
        }

        Refused(origin.Length <= 200 ? origin : origin[..200] + "…");
        return false;
    }

    // Without a port in Host, the browser used its scheme's default, which is the origin's port then too.
    private static bool IsOwn(Uri origin, HostString host) =>
        string.Equals(origin.Host, host.Host, StringComparison.OrdinalIgnoreCase) && origin.Port == (host.Port ?? origin.Port);

    private void Refused(string origin)
    {
        if (_logged.Count >= GatewayDefaults.MaxLoggedOrigins)
        {
            // Bounded: a flood of invented origins costs one line and a fixed amount of memory.
            if (Interlocked.Exchange(ref _limitLogged, 1) == 0)
            {
                GatewayAuthLog.OriginLogLimitReached(_logger, _logged.Count);
            }

            return;
        }

        if (_logged.TryAdd(origin, true))
        {
            GatewayAuthLog.OriginRefused(_logger, origin);
        }
    }
}
