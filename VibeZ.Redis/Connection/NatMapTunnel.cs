using System.Collections.Concurrent;
using System.Net;
using StackExchange.Redis.Configuration;
using VibeZ.Redis.Configuration;

namespace VibeZ.Redis.Connection;

/// <summary>
/// Applies a <see cref="RedisNatMap"/> to every socket StackExchange.Redis opens (sentinels, primaries, replicas,
/// cluster nodes learned from <c>CLUSTER NODES</c>) and remembers what it dialed, for diagnostics.
/// </summary>
/// <remarks>
/// A tunnel is the one hook that sees endpoints discovered at run time, not just configured ones;
/// <c>ConfigurationOptions.Clone()</c> copies it, so the clone StackExchange.Redis makes for the sentinel-managed
/// primary connection dials through it too.
/// </remarks>
public sealed class NatMapTunnel : Tunnel
{
    private readonly ConcurrentDictionary<EndPoint, EndPoint> _dialed = new();

    /// <summary>Creates a tunnel that dials through <paramref name="natMap"/>.</summary>
    /// <param name="natMap">The announced-to-reachable address map.</param>
    public NatMapTunnel(RedisNatMap natMap)
    {
        ArgumentNullException.ThrowIfNull(natMap);
        NatMap = natMap;
    }

    /// <summary>Gets the map this tunnel applies.</summary>
    public RedisNatMap NatMap { get; }

    /// <summary>Gets every endpoint dialed so far, keyed by the endpoint StackExchange.Redis asked for.</summary>
    public IReadOnlyDictionary<EndPoint, EndPoint> DialedEndPoints => new Dictionary<EndPoint, EndPoint>(_dialed);

    /// <summary>
    /// Returns the address last dialed for <paramref name="announced"/>, or where it would be dialed if it has not been yet.
    /// </summary>
    /// <param name="announced">An endpoint as the multiplexer knows it.</param>
    public EndPoint GetDialedEndPoint(EndPoint announced) =>
        _dialed.TryGetValue(announced, out var dialed) ? dialed : NatMap.Map(announced);

    /// <inheritdoc />
    public override ValueTask<EndPoint?> GetSocketConnectEndpointAsync(EndPoint endpoint, CancellationToken cancellationToken)
    {
        var dialed = NatMap.Map(endpoint);
        _dialed[endpoint] = dialed;
        return new(dialed);
    }
}
