using System.Net;
using Microsoft.Extensions.Options;

namespace VibeZ.Gateway.Connections;

/// <summary>
/// Counts this Gateway's WebSocket connections, in total and per client IP address, so that one address (or everyone)
/// cannot open more than <c>Gateway:MaxConnectionsPerIp</c> (<c>Gateway:MaxConnections</c>). A refused address is logged
/// the first time only: a client retrying in a loop must not turn the limit into a log flood.
/// </summary>
internal sealed class ConnectionLimiter
{
    private readonly GatewayOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<IPAddress, int> _perAddress = [];
    private readonly HashSet<IPAddress> _logged = [];
    private int _total;
    private bool _fullLogged;
    private bool _logLimitLogged;

    public ConnectionLimiter(IOptions<GatewayOptions> options, ILogger<ConnectionLimiter> logger)
    {
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Gets how many connections hold a place now.</summary>
    public int Count
    {
        get
        {
            lock (_perAddress)
            {
                return _total;
            }
        }
    }

    /// <summary>Takes a place for a connection from <paramref name="address"/>, or says why there is none.</summary>
    public ConnectionRefusal? TryAcquire(IPAddress? address, out Lease lease)
    {
        lease = default;
        address = Normalize(address);
        lock (_perAddress)
        {
            if (_total >= _options.MaxConnections)
            {
                if (!_fullLogged)
                {
                    _fullLogged = true;
                    GatewayLog.GatewayFull(_logger, _options.MaxConnections);
                }

                return ConnectionRefusal.GatewayFull;
            }

            var held = _perAddress.GetValueOrDefault(address);
            if (held >= _options.MaxConnectionsPerIp)
            {
                LogRefusedOnce(address);
                return ConnectionRefusal.TooManyFromAddress;
            }

            _perAddress[address] = held + 1;
            _total++;
        }

        lease = new Lease(this, address);
        return null;
    }

    private void Release(IPAddress address)
    {
        lock (_perAddress)
        {
            _total--;
            var held = _perAddress[address];
            if (held == 1)
            {
                // Forget addresses that hold nothing, so the table is as large as the connections, not every address ever seen.
                _perAddress.Remove(address);
            }
            else
            {
                _perAddress[address] = held - 1;
            }

            // Full again later is worth another line; once per time the Gateway fills up, not per refused attempt.
            if (_total < _options.MaxConnections)
            {
                _fullLogged = false;
            }
        }
    }

    private void LogRefusedOnce(IPAddress address)
    {
        if (_logged.Count >= GatewayDefaults.MaxLoggedAddresses)
        {
            // Bounded: a flood from invented addresses costs one line and a fixed amount of memory.
            if (!_logLimitLogged)
            {
                _logLimitLogged = true;
                GatewayLog.RefusedAddressLogLimitReached(_logger, _logged.Count);
            }

            return;
        }

        if (_logged.Add(address))
        {
            GatewayLog.TooManyConnectionsFromAddress(_logger, address.ToString(), _options.MaxConnectionsPerIp);
        }
    }

    // Dual-stack sockets report IPv4 clients as ::ffff:a.b.c.d; one client is one address either way. A connection
    // without an address (a test server, a pipe) counts under "none".
    internal static IPAddress Normalize(IPAddress? address) =>
        address is null ? IPAddress.None : address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>A connection's place; disposing it gives the place back.</summary>
    public readonly struct Lease(ConnectionLimiter? owner, IPAddress address) : IDisposable
    {
        public void Dispose() => owner?.Release(address);
    }
}
