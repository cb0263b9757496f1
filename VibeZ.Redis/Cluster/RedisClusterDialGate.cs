using Microsoft.Extensions.Options;
using VibeZ.Redis.Connection;

namespace VibeZ.Redis.Cluster;

/// <summary>
/// Keeps the client from dialing a cluster node the cluster has given up on more often than the reconnect schedule's
/// cap: a master that died, was marked failed and whose slots a replica took over may never come back.
/// </summary>
/// <remarks>
/// StackExchange.Redis retries every node on one schedule (the n-th attempt min(n × 50 ms, 2 s) after the one
/// before) and cannot be told to drop a node, nor which node asks its <see cref="RedisReconnectPolicy"/>. Its tunnel
/// (<see cref="RedisSocketTracker"/>) is the one hook that sees which node is dialed, so it asks here; a refused dial
/// fails without a socket and StackExchange.Redis tries again on its schedule. A retired node is dialed at most once
/// per connection (interactive and subscription) per cap, and is let back in as soon as a connection to it works.
/// </remarks>
internal sealed class RedisClusterDialGate(TimeProvider timeProvider, IOptions<RedisReconnectOptions> options)
{
    // Each node has an interactive and a subscription connection, and both retry on the same schedule.
    private const int DialsPerWindow = 2;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Window> _retired = [];
    private readonly TimeSpan _cap = TimeSpan.FromMilliseconds(options.Value.MaxDelayMilliseconds);

    /// <summary>Gets the shortest time between two rounds of dials to a retired node.</summary>
    public TimeSpan Cap => _cap;

    /// <summary>Retires <paramref name="endPoint"/>; false when it already was.</summary>
    public bool Retire(string endPoint)
    {
        lock (_lock)
        {
            // The window starts now: the node was just dialed, on the schedule, when its outage was noticed.
            return _retired.TryAdd(endPoint, new Window(timeProvider.GetUtcNow()));
        }
    }

    /// <summary>Lets <paramref name="endPoint"/> be dialed on the schedule again; false when it was not retired.</summary>
    public bool Restore(string endPoint)
    {
        lock (_lock)
        {
            return _retired.Remove(endPoint);
        }
    }

    public bool IsRetired(string endPoint)
    {
        lock (_lock)
        {
            return _retired.ContainsKey(endPoint);
        }
    }

    /// <summary>Whether a connection may dial <paramref name="endPoint"/> now; counts the dial when it may.</summary>
    public bool Admits(string endPoint)
    {
        lock (_lock)
        {
            if (!_retired.TryGetValue(endPoint, out var window))
            {
                return true;
            }

            var now = timeProvider.GetUtcNow();
            if (now - window.Start >= _cap)
            {
                window.Start = now;
                window.Dials = 0;
            }

            if (window.Dials >= DialsPerWindow)
            {
                return false;
            }

            window.Dials++;
            return true;
        }
    }

    private sealed class Window(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; set; } = start;

        public int Dials { get; set; } = DialsPerWindow;
    }
}
