using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using VibeZ.Redis.Connection;

namespace VibeZ.Channels.Publishing;

/// <summary>
/// One connection of its own per master, for <c>WAIT</c>, which blocks the connection it is sent on until replicas
/// acknowledge or it times out: sent on the connection StackExchange.Redis shares for every command to that node, it
/// would hold up every read, write and health check of the process behind it.
/// </summary>
/// <remarks>
/// Each connection is made from the process's own options for that one node (<see cref="RedisOneNodeOptions"/>). One
/// that failed is dropped, and the next round that needs it connects again.
/// </remarks>
internal sealed class ReplicationWaitConnections(IOptions<ConfigurationOptions> options) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<EndPoint, Lazy<Task<ConnectionMultiplexer>>> _connections = new();

    /// <summary>Gets the connection to <paramref name="node"/>, connecting on first use.</summary>
    public Task<ConnectionMultiplexer> ToAsync(EndPoint node) =>
        _connections.GetOrAdd(node, endPoint => new Lazy<Task<ConnectionMultiplexer>>(() => ConnectAsync(endPoint))).Value;

    /// <summary>Closes the connection to <paramref name="node"/> if it is <paramref name="failed"/>, so the next use connects again.</summary>
    public void Drop(EndPoint node, Task<ConnectionMultiplexer> failed)
    {
        if (_connections.TryGetValue(node, out var current) && current.IsValueCreated && current.Value == failed
            && _connections.TryRemove(new KeyValuePair<EndPoint, Lazy<Task<ConnectionMultiplexer>>>(node, current)))
        {
            _ = failed.ContinueWith(static connecting => connecting.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections.Values.Where(c => c.IsValueCreated).Select(c => c.Value))
        {
            try
            {
                await (await connection).DisposeAsync();
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // It never connected: nothing to close.
            }
        }

        _connections.Clear();
    }

    private Task<ConnectionMultiplexer> ConnectAsync(EndPoint node) =>
        ConnectionMultiplexer.ConnectAsync(RedisOneNodeOptions.For(options.Value, node, "wait"));
}
