using System.Net;
using System.Net.Sockets;

namespace VibeZ.Redis.Configuration;

/// <summary>
/// Rewrites the addresses Redis announces (sentinel replies, <c>CLUSTER NODES</c>, replica lists) to ones this
/// process can reach, like ioredis' <c>natMap</c>. Read from <c>REDIS_NAT_MAP</c>:
/// <c>announcedHost:port=reachableHost:port</c> pairs separated by commas.
/// </summary>
public sealed class RedisNatMap
{
    private readonly Dictionary<Route, EndPoint> _routes;

    private RedisNatMap(Dictionary<Route, EndPoint> routes) => _routes = routes;

    /// <summary>Gets a map that leaves every endpoint as it is.</summary>
    public static RedisNatMap Empty { get; } = new([]);

    /// <summary>Gets the number of announced endpoints that are rewritten.</summary>
    public int Count => _routes.Count;

    /// <summary>Gets a value indicating whether the map rewrites nothing.</summary>
    public bool IsEmpty => _routes.Count == 0;

    /// <summary>
    /// Parses <c>announcedHost:port=reachableHost:port[,...]</c>; null or blank gives <see cref="Empty"/>.
    /// </summary>
    /// <exception cref="RedisConfigurationException">An entry is malformed or an announced endpoint repeats.</exception>
    public static RedisNatMap Parse(string? value) => Parse(value, RedisContract.NatMap);

    internal static RedisNatMap Parse(string? value, string setting)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Empty;
        }

        var routes = new Dictionary<Route, EndPoint>();
        foreach (var entry in value.Split(RedisContract.NatMapEntrySeparator, StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split(RedisContract.NatMapRouteSeparator, StringSplitOptions.TrimEntries);
            if (parts.Length != 2)
            {
                throw Invalid(setting, value, $"entry '{entry}' must look like announcedHost:port=reachableHost:port");
            }

            var announced = ParseSide(parts[0], entry, "announced", setting, value);
            var reachable = ParseSide(parts[1], entry, "reachable", setting, value);
            if (!routes.TryAdd(Route.Of(announced), reachable))
            {
                throw Invalid(setting, value, $"'{parts[0]}' is mapped more than once");
            }
        }

        return new RedisNatMap(routes);
    }

    /// <summary>
    /// Returns where to dial <paramref name="endPoint"/>: its mapped address, or itself when it is not mapped.
    /// Host names match case-insensitively, and an IP endpoint matches an entry that spells the same address.
    /// </summary>
    /// <param name="endPoint">An endpoint as Redis announced it or as it was configured.</param>
    public EndPoint Map(EndPoint endPoint) =>
        Route.TryOf(endPoint) is Route route && _routes.TryGetValue(route, out var reachable) ? reachable : endPoint;

    private static EndPoint ParseSide(string text, string entry, string side, string setting, string value) =>
        RedisEndPointParser.TryParse(text, defaultPort: null, out var problem)
        ?? throw Invalid(setting, value, $"entry '{entry}' has a bad {side} endpoint: {problem}");

    private static RedisConfigurationException Invalid(string setting, string value, string reason) =>
        new(setting, $"{setting} value '{value}' is invalid: {reason}.");

    /// <summary>A host spelled one way: lower-case names, canonical IP text (IPv4-mapped IPv6 folded to IPv4).</summary>
    private readonly record struct Route(string Host, int Port)
    {
        public static Route Of(EndPoint endPoint) =>
            TryOf(endPoint) ?? throw new ArgumentException($"Unsupported endpoint type {endPoint.GetType().Name}.", nameof(endPoint));

        public static Route? TryOf(EndPoint endPoint) => endPoint switch
        {
            IPEndPoint ip => new Route(Canonical(ip.Address), ip.Port),
            DnsEndPoint dns when RedisEndPointParser.TryParseAddress(dns.Host) is IPAddress address => new Route(Canonical(address), dns.Port),
            DnsEndPoint dns => new Route(dns.Host.TrimEnd('.').ToLowerInvariant(), dns.Port),
            _ => null,
        };

        private static string Canonical(IPAddress address) =>
            (address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
    }
}
