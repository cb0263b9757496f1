using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using VibeZ.Redis.Cluster;
using VibeZ.Redis.Configuration;

namespace VibeZ.Redis.Resilience;

/// <summary>
/// In cluster mode, has StackExchange.Redis read the cluster again when an attempt times out, so the retry can reach
/// the node that took over from a hung master.
/// </summary>
/// <remarks>
/// A hung master (a stalled host, <c>DEBUG SLEEP</c>) keeps its sockets open and sends nothing back: no MOVED, no
/// closed connection. StackExchange.Redis then gives up on the socket only after four of its own timeouts pass without
/// a byte read (20 s by default), and until then routes the master's slots to it even after the cluster promoted its
/// replica, so retries would only pile up behind the first attempt. An attempt timeout is the first sign the client
/// gets; a re-read learns the new owner from the nodes that still answer, slot range by slot range as they reply.
/// The re-read waits for every node up to the connect timeout, the hung one included, and StackExchange.Redis runs one
/// at a time (it declines another meanwhile), so at most one is started here at a time as well.
/// </remarks>
/// <param name="multiplexer">The process's one multiplexer.</param>
/// <param name="logger">Where re-reads are logged.</param>
/// <param name="settings">The connection settings; absent when only the resilience layer is registered.</param>
/// <param name="slots">Told after each re-read, so a slot move it reveals is logged; absent likewise.</param>
internal sealed class RedisResilienceClusterRefresh(
    IConnectionMultiplexer multiplexer, ILogger<RedisResilienceClusterRefresh> logger, RedisConnectionSettings? settings = null, RedisClusterSlotTracker? slots = null)
{
    private readonly bool _enabled = settings?.Mode == RedisMode.Cluster;
    private int _running;

    /// <summary>Starts a re-read of the cluster unless one is running, or this is not cluster mode.</summary>
    public void OnAttemptTimedOut()
    {
        if (!_enabled || Interlocked.CompareExchange(ref _running, 1, 0) != 0)
        {
            return;
        }

        _ = Task.Run(RefreshAsync);
    }

    private async Task RefreshAsync()
    {
        try
        {
            RedisResilienceLog.ClusterRefreshAfterAttemptTimeout(logger);
            await multiplexer.ConfigureAsync().ConfigureAwait(false);
            slots?.OnClusterReread();
        }
        catch (Exception ex) when (ex is RedisException or ObjectDisposedException or InvalidOperationException)
        {
            // The next attempt timeout tries again; the retry itself is what reports failures to the caller.
            RedisResilienceLog.ClusterRefreshFailed(logger, ex);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }
}
