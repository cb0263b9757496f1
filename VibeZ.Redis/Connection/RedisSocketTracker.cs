using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;
using StackExchange.Redis.Configuration;
using VibeZ.Redis.Cluster;
using VibeZ.Redis.Configuration;
using VibeZ.Redis.Sentinel;

namespace VibeZ.Redis.Connection;

/// <summary>
/// Remembers the socket of every connection the multiplexer opens, so the connections to one node can be closed:
/// StackExchange.Redis has no public way to drop a connection that is open but no longer answering.
/// </summary>
/// <remarks>A <see cref="Tunnel"/> because that is the client's one hook that sees its sockets; it hands every
/// call on to the tunnel that was configured before (the NAT map), so routing does not change. For the same reason it
/// is where dials are refused: to an old sentinel master (<see cref="RedisMasterFence"/>), or to a cluster node the cluster
/// gave up on more often than the reconnect cap (<see cref="RedisClusterDialGate"/>).</remarks>
/// <param name="inner">The tunnel configured before, or null.</param>
/// <param name="clusterGate">In cluster mode, which nodes are dialed only at the reconnect cap; null otherwise.</param>
/// <param name="fence">In sentinel mode, which replaced masters are not dialed; null otherwise.</param>
internal sealed class RedisSocketTracker(Tunnel? inner, RedisClusterDialGate? clusterGate = null, RedisMasterFence? fence = null) : Tunnel
{
    private readonly Lock _lock = new();
    private readonly List<(string EndPoint, Socket Socket)> _sockets = [];

    public override async ValueTask<EndPoint?> GetSocketConnectEndpointAsync(EndPoint endpoint, CancellationToken cancellationToken)
    {
        if (fence is not null && !await fence.AdmitsAsync(RedisEndPointFormatter.Format(endpoint)))
        {
            throw new RedisConnectionException(ConnectionFailureType.UnableToConnect,
                $"{RedisEndPointFormatter.Format(endpoint)} was the master before a failover; it is not dialed until the sentinels report it as a replica");
        }

        if (clusterGate is { } gate && !gate.Admits(RedisEndPointFormatter.Format(endpoint)))
        {
            throw new RedisConnectionException(ConnectionFailureType.UnableToConnect,
                $"{RedisEndPointFormatter.Format(endpoint)} is down and the cluster moved its slots; it is dialed at most every {gate.Cap.TotalSeconds:0.#} s until it answers");
        }

        return await (inner?.GetSocketConnectEndpointAsync(endpoint, cancellationToken) ?? base.GetSocketConnectEndpointAsync(endpoint, cancellationToken));
    }

    public override ValueTask BeforeSocketConnectAsync(EndPoint endPoint, ConnectionType connectionType, Socket? socket, CancellationToken cancellationToken)
    {
        if (socket is not null)
        {
            lock (_lock)
            {
                _sockets.RemoveAll(entry => entry.Socket.SafeHandle.IsClosed);
                _sockets.Add((RedisEndPointFormatter.Format(endPoint), socket));
            }
        }

        return inner?.BeforeSocketConnectAsync(endPoint, connectionType, socket, cancellationToken) ?? base.BeforeSocketConnectAsync(endPoint, connectionType, socket, cancellationToken);
    }

    public override ValueTask<Stream?> BeforeAuthenticateAsync(EndPoint endpoint, ConnectionType connectionType, Socket? socket, CancellationToken cancellationToken) =>
        inner?.BeforeAuthenticateAsync(endpoint, connectionType, socket, cancellationToken) ?? base.BeforeAuthenticateAsync(endpoint, connectionType, socket, cancellationToken);

    /// <summary>
    /// Shuts down every open connection to <paramref name="endPoint"/> (formatted as <see cref="RedisEndPointFormatter"/>
    /// does). The client then sees a closed connection: it fails the commands awaiting a reply and reconnects.
    /// </summary>
    /// <returns>How many connections were closed.</returns>
    public int Close(string endPoint)
    {
        List<Socket> sockets;
        lock (_lock)
        {
            sockets = [.. _sockets.Where(entry => entry.EndPoint == endPoint).Select(entry => entry.Socket)];
            _sockets.RemoveAll(entry => entry.EndPoint == endPoint);
        }

        var closed = 0;
        foreach (var socket in sockets)
        {
            try
            {
                socket.Shutdown(SocketShutdown.Both);
                closed++;
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Already closed by the client itself.
            }
        }

        return closed;
    }
}
