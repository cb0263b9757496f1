using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace VibeZ.Gateway.Channels;

/// <summary>
/// Confirms that writes reached a replica, with as few <c>WAIT</c>s as possible. <c>WAIT</c> cannot run inside a
/// script, and it covers every earlier write of its connection; StackExchange.Redis sends all commands for a node
/// over one connection, so one <c>WAIT</c> sent after a write's reply arrived covers that write and every other
/// write answered before it. Callers that arrive while a <c>WAIT</c> is out share the next one.
/// </summary>
/// <remarks>
/// A reconnect between the write and the <c>WAIT</c> would make the <c>WAIT</c> cover nothing, so each node's
/// connection losses are counted, and a write whose connection was lost in between is retried instead of acked.
/// </remarks>
internal sealed class ReplicationBarrier
{
    private readonly IConnectionMultiplexer _multiplexer;
    private readonly IOptions<GatewayOptions> _options;
    private readonly ConcurrentDictionary<EndPoint, StrongBox<long>> _losses = new();
    private readonly ConcurrentDictionary<EndPoint, Batch> _batches = new();

    public ReplicationBarrier(IConnectionMultiplexer multiplexer, IOptions<GatewayOptions> options)
    {
        _multiplexer = multiplexer;
        _options = options;
        _multiplexer.ConnectionFailed += (_, e) =>
        {
            if (e.EndPoint is not null && e.ConnectionType == ConnectionType.Interactive)
            {
                Interlocked.Increment(ref _losses.GetOrAdd(e.EndPoint, _ => new StrongBox<long>()).Value);
            }
        };
    }

    /// <summary>Notes which node owns <paramref name="key"/> and its connection's history, before writing.</summary>
    /// <exception cref="RedisConnectionException">No connected node owns the key right now (a failover): write again later.</exception>
    public Ticket Before(RedisKey key)
    {
        IServer server;
        try
        {
            server = _multiplexer.GetServer(key);
        }
        catch (InvalidOperationException ex)
        {
            // StackExchange.Redis says so with an InvalidOperationException; it is a connection problem like any other.
            throw new RedisConnectionException(ConnectionFailureType.UnableToResolvePhysicalConnection, ex.Message, ex);
        }

        return new Ticket(key, server, Losses(server.EndPoint));
    }

    /// <summary>
    /// Waits until a replica confirmed the writes made since <paramref name="ticket"/>; false when none did within
    /// <see cref="GatewayOptions.ReplicationTimeoutMilliseconds"/>.
    /// </summary>
    /// <exception cref="RedisConnectionException">The node's connection was lost, or the key moved, since the ticket: write again.</exception>
    public async Task<bool> WaitAsync(Ticket ticket, CancellationToken cancellationToken)
    {
        EnsureUnchanged(ticket);
        var batch = _batches.GetOrAdd(ticket.Server.EndPoint, _ => new Batch());
        var replicas = await batch.JoinAsync(ticket.Server, _options.Value.ReplicationTimeoutMilliseconds).WaitAsync(cancellationToken);
        EnsureUnchanged(ticket);
        return replicas >= 1;
    }

    private void EnsureUnchanged(Ticket ticket)
    {
        if (Losses(ticket.Server.EndPoint) != ticket.Losses || !Equals(_multiplexer.GetServer(ticket.Key).EndPoint, ticket.Server.EndPoint))
        {
            throw new RedisConnectionException(ConnectionFailureType.SocketClosed,
                $"The connection to {ticket.Server.EndPoint} changed between the write and its WAIT; the write is sent again.");
        }
    }

    private long Losses(EndPoint endPoint) =>
        _losses.TryGetValue(endPoint, out var losses) ? Interlocked.Read(ref losses.Value) : 0;

    /// <summary>Where a write went, and how many times that node's connection had been lost before it.</summary>
    public readonly record struct Ticket(RedisKey Key, IServer Server, long Losses);

    /// <summary>One node's <c>WAIT</c>s: at most one out at a time, and everyone who arrives meanwhile shares the next.</summary>
    private sealed class Batch
    {
        private readonly Lock _lock = new();
        private bool _waiting;
        private TaskCompletionSource<long>? _next;

        public Task<long> JoinAsync(IServer server, int timeoutMilliseconds)
        {
            TaskCompletionSource<long> mine;
            lock (_lock)
            {
                if (_waiting)
                {
                    _next ??= new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                    return _next.Task;
                }

                _waiting = true;
                mine = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            _ = RunAsync(server, timeoutMilliseconds, mine);
            return mine.Task;
        }

        private async Task RunAsync(IServer server, int timeoutMilliseconds, TaskCompletionSource<long> waiters)
        {
            try
            {
                var replicas = await server.ExecuteAsync("WAIT", 1, timeoutMilliseconds);
                waiters.TrySetResult((long)replicas);
            }
            catch (Exception ex)
            {
                waiters.TrySetException(ex);
            }

            TaskCompletionSource<long>? next;
            lock (_lock)
            {
                next = _next;
                _next = null;
                _waiting = next is not null;
            }

            if (next is not null)
            {
                _ = RunAsync(server, timeoutMilliseconds, next);
            }
        }
    }
}
