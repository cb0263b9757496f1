using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace VibeZ.Channels.Publishing;

/// <summary>
/// Confirms that writes reached a replica: on a connection of its own to the master, it reads the master's role and
/// history, then sends <c>WAIT 1 &lt;timeout&gt;</c>, which returns once a replica has acknowledged everything the master
/// had taken before that read, or with 0 at the timeout.
/// </summary>
/// <remarks>
/// <c>WAIT</c> counts from the last command of the connection it is sent on: here the read, which the master runs after
/// the writes it already answered, so no replica has to be known or asked by name, and neither the sentinels' lag in
/// listing a replica nor a client kept off one can hold a confirmation up. The master asks its replicas for an
/// acknowledgement at once, so a round usually takes one round trip more than the replica's own. The master's
/// <c>master_replid</c> names its history, and every write a script made on it returned that id: a master that
/// restarted or was replaced has another one, so a write it may have lost is never confirmed
/// (<see cref="ReplicationConfirmation.Moved"/>). Callers that arrive while a round is out share the next one, whose
/// read comes after their writes were answered.
/// </remarks>
internal sealed class ReplicationConfirmer
{
    private readonly ReplicationWaitConnections _connections;
    private readonly IOptions<GatewayOptions> _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<EndPoint, Rounds> _rounds = new();

    // Refusals already logged, by their text: a refusal (an ACL without WAIT, say) repeats on every round.
    private readonly ConcurrentDictionary<string, bool> _refusalsLogged = new(StringComparer.Ordinal);

    public ReplicationConfirmer(ReplicationWaitConnections connections, IOptions<GatewayOptions> options, ILogger<ReplicationConfirmer> logger)
    {
        _connections = connections;
        _options = options;
        _logger = logger;
    }

    /// <summary>Waits, at most <see cref="GatewayOptions.ReplicationTimeoutMilliseconds"/>, until a replica has every write the node answered before this call.</summary>
    public async Task<ReplicationConfirmation> ConfirmAsync(ReplicationTicket ticket, CancellationToken cancellationToken)
    {
        var round = await _rounds.GetOrAdd(ticket.Server, static (server, confirmer) => new Rounds(confirmer, server), this)
            .JoinAsync().WaitAsync(cancellationToken);
        return round.ReplicationId != ticket.ReplicationId ? ReplicationConfirmation.Moved
            : round.Confirmed ? ReplicationConfirmation.Confirmed
            : ReplicationConfirmation.NotConfirmed;
    }

    /// <summary>One round: the master's history and whether a replica acknowledged it; a null id when the node did not answer as a master.</summary>
    private readonly record struct RoundResult(string? ReplicationId, bool Confirmed);

    private async Task<RoundResult> RunRoundAsync(EndPoint master)
    {
        var timeout = TimeSpan.FromMilliseconds(_options.Value.ReplicationTimeoutMilliseconds);
        var started = Stopwatch.GetTimestamp();
        var connecting = _connections.ToAsync(master);
        Task<RedisResult>? waiting = null;
        string? replicationId = null;
        try
        {
            var server = (await connecting.WaitAsync(timeout)).GetServer(master);

            // Sent together, in this order, on the one connection: WAIT counts from the read. Its own timeout is what is
            // left of the round's (at least 1 ms: 0 would wait for ever).
            var reading = server.InfoAsync("replication");
            var left = timeout - Stopwatch.GetElapsedTime(started);
            waiting = server.ExecuteAsync("WAIT", 1, Math.Max(1, (long)left.TotalMilliseconds));
            var fields = (await reading.WaitAsync(timeout)).SelectMany(group => group).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
            if (fields.GetValueOrDefault("role") != "master")
            {
                // A replica refuses WAIT; the answer is not needed.
                Observe(waiting);
                return new RoundResult(null, false);
            }

            // WAIT answers by its own timeout; the margin only covers a node that stopped answering altogether.
            replicationId = fields.GetValueOrDefault("master_replid");
            return new RoundResult(replicationId, (long)await waiting.WaitAsync(timeout * 2) >= 1);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // A node that went away is reported by the shared connection; a node that refuses the check is not. (A master
            // demoted between the read and WAIT refuses it too, as a replica: that is a failover, not a refusal.)
            if (ex is RedisServerException && !ex.Message.Contains("replica", StringComparison.OrdinalIgnoreCase) && _refusalsLogged.TryAdd(ex.Message, true))
            {
                GatewayLog.ReplicationCheckRefused(_logger, master.ToString() ?? "", ex.Message);
            }

            Observe(waiting);
            _connections.Drop(master, connecting);
            return new RoundResult(replicationId, false);
        }
    }

    private static void Observe(Task? task) =>
        task?.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    /// <summary>One node's rounds: at most one out at a time, and everyone who arrives meanwhile shares the next.</summary>
    private sealed class Rounds(ReplicationConfirmer confirmer, EndPoint endPoint)
    {
        private readonly Lock _lock = new();
        private bool _running;
        private TaskCompletionSource<RoundResult>? _next;

        public Task<RoundResult> JoinAsync()
        {
            TaskCompletionSource<RoundResult> mine;
            lock (_lock)
            {
                if (_running)
                {
                    _next ??= new TaskCompletionSource<RoundResult>(TaskCreationOptions.RunContinuationsAsynchronously);
                    return _next.Task;
                }

                _running = true;
                mine = new TaskCompletionSource<RoundResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            _ = RunAsync(mine);
            return mine.Task;
        }

        private async Task RunAsync(TaskCompletionSource<RoundResult> waiters)
        {
            while (true)
            {
                try
                {
                    waiters.TrySetResult(await confirmer.RunRoundAsync(endPoint));
                }
                catch (Exception ex)
                {
                    waiters.TrySetException(ex);
                }

                lock (_lock)
                {
                    if (_next is null)
                    {
                        _running = false;
                        return;
                    }

                    waiters = _next;
                    _next = null;
                }
            }
        }
    }
}
