using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace VibeZ.Channels.Publishing;

/// <summary>
/// Confirms that writes reached a replica without a blocking command: it reads the master's replication offset after
/// the writes, then asks the replicas how far they are, until one that follows the same history is at or past it.
/// </summary>
/// <remarks>
/// <c>WAIT</c> would block the one connection StackExchange.Redis shares for every command to the node, and every read,
/// subscribe and health check of the process behind it while no replica answers. <c>INFO replication</c> on the master
/// and on the replicas answers at once. The master's <c>master_replid</c> names its history, and every write a script
/// made on it returned that id: a master that restarted or was replaced has another one, so a write it may have lost
/// is never confirmed by a replica of the new history (<see cref="ReplicationConfirmation.Moved"/>). Callers that
/// arrive while a round is out share the next one, whose offset is read after their writes were answered.
/// </remarks>
internal sealed class ReplicationConfirmer
{
    private static readonly TimeSpan FirstPollDelay = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan MaxPollDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan UsualAloneFor = TimeSpan.FromMilliseconds(20);

    private readonly IConnectionMultiplexer _multiplexer;
    private readonly IOptions<GatewayOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<EndPoint, Rounds> _rounds = new();

    // Per history, the replica that confirmed it last: asked first next time, so one answer usually settles a round.
    private readonly ConcurrentDictionary<string, EndPoint> _lastConfirmer = new();

    public ReplicationConfirmer(IConnectionMultiplexer multiplexer, IOptions<GatewayOptions> options, TimeProvider timeProvider)
    {
        _multiplexer = multiplexer;
        _options = options;
        _timeProvider = timeProvider;
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

    /// <summary>One round: the master's history and whether a replica of it caught up; a null id when the node is not that master any more.</summary>
    private readonly record struct RoundResult(string? ReplicationId, bool Confirmed);

    private async Task<RoundResult> RunRoundAsync(EndPoint endPoint)
    {
        var deadline = _timeProvider.GetTimestamp() + (long)(_options.Value.ReplicationTimeoutMilliseconds / 1000.0 * _timeProvider.TimestampFrequency);
        var master = await ReadAsync(_multiplexer.GetServer(endPoint));
        if (master is not { Role: "master" } || master.ReplicationId is null)
        {
            return new RoundResult(null, false);
        }

        var delay = FirstPollDelay;
        while (true)
        {
            if (await AnyReplicaCaughtUpAsync(endPoint, master.ReplicationId, master.Offset))
            {
                return new RoundResult(master.ReplicationId, true);
            }

            var left = _timeProvider.GetElapsedTime(_timeProvider.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero)
            {
                return new RoundResult(master.ReplicationId, false);
            }

            await Task.Delay(delay < left ? delay : left, _timeProvider);
            delay = delay * 2 < MaxPollDelay ? delay * 2 : MaxPollDelay;
        }
    }

    private async Task<bool> AnyReplicaCaughtUpAsync(EndPoint master, string replicationId, long offset)
    {
        // The replica that confirmed last usually settles the round with one answer. It gets a moment alone; if it has
        // not answered caught up by then (it may hang), every other node is asked too, and it stays in the race.
        var asking = new List<Task<(EndPoint Node, ReplicationState? State)>>();
        if (_lastConfirmer.TryGetValue(replicationId, out var usual))
        {
            var first = AskAsync(_multiplexer.GetServer(usual));
            if (await Task.WhenAny(first, Task.Delay(UsualAloneFor, _timeProvider)) == first && IsCaughtUp((await first).State, replicationId, offset))
            {
                return true;
            }

            if (!first.IsCompleted)
            {
                asking.Add(first);
            }
        }

        // Every other node, not only those the multiplexer calls replicas: a master that hung and was demoted meanwhile
        // kept its connection, so the multiplexer never re-read its role, and it may be the only replica there is. The
        // first node that answers caught up settles the round; a hung one is not waited for.
        asking.AddRange(_multiplexer.GetServers()
            .Where(server => server.IsConnected && !server.EndPoint.Equals(master) && !server.EndPoint.Equals(usual))
            .Select(AskAsync));
        var replicaAnswered = false;
        while (asking.Count > 0)
        {
            var answered = await Task.WhenAny(asking);
            asking.Remove(answered);
            var (node, state) = await answered;
            if (IsCaughtUp(state, replicationId, offset))
            {
                _lastConfirmer[replicationId] = node;
                return true;
            }

            replicaAnswered |= state is { Role: "slave" } && state.ReplicationId == replicationId;
        }

        // No replica of this history is connected: the client may be kept off it (a restarted old master stays fenced
        // until the sentinels' next look at it, up to 10 s after it synced). The master's own view of its replicas,
        // which they acknowledge every second, then settles the round instead of the fence's schedule.
        return !replicaAnswered && await MasterSeesReplicaCaughtUpAsync(master, replicationId, offset);
    }

    private async Task<bool> MasterSeesReplicaCaughtUpAsync(EndPoint master, string replicationId, long offset) =>
        await ReadAsync(_multiplexer.GetServer(master)) is { Role: "master" } view
            && view.ReplicationId == replicationId
            && view.AcknowledgedByReplica >= offset;

    private async Task<(EndPoint Node, ReplicationState? State)> AskAsync(IServer server) => (server.EndPoint, await ReadAsync(server));

    private static bool IsCaughtUp(ReplicationState? replica, string replicationId, long offset) =>
        replica is { Role: "slave" } && replica.ReplicationId == replicationId && replica.Offset >= offset;

    /// <summary>A node's role, history and offset, or null when it did not answer.</summary>
    private async Task<ReplicationState?> ReadAsync(IServer server)
    {
        try
        {
            var timeout = TimeSpan.FromMilliseconds(_options.Value.ReplicationTimeoutMilliseconds);
            var info = await server.InfoAsync("replication").WaitAsync(timeout, _timeProvider);
            var fields = info.SelectMany(group => group).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
            var role = fields.GetValueOrDefault("role");

            // A replica's own offset is what it has processed of the stream; a master's is the end of its stream.
            var offset = fields.GetValueOrDefault(role == "slave" ? "slave_repl_offset" : "master_repl_offset");
            return new ReplicationState(
                role,
                fields.GetValueOrDefault("master_replid"),
                long.TryParse(offset, out var parsed) ? parsed : -1,
                role == "master" ? AcknowledgedByReplica(fields) : -1);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// The highest offset an online replica acknowledged to this master, from its <c>slaveN</c> lines
    /// (<c>ip=…,port=…,state=online,offset=N,lag=…</c>), or -1 when none.
    /// </summary>
    internal static long AcknowledgedByReplica(IReadOnlyDictionary<string, string> fields)
    {
        var highest = -1L;
        foreach (var (key, value) in fields)
        {
            if (!key.StartsWith("slave", StringComparison.Ordinal) || key.Length == 5 || !char.IsAsciiDigit(key[5]))
            {
                continue;
            }

            var parts = value.Split(',').Select(part => part.Split('=', 2)).Where(pair => pair.Length == 2).ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
            if (parts.GetValueOrDefault("state") == "online" && long.TryParse(parts.GetValueOrDefault("offset"), out var acknowledged))
            {
                highest = Math.Max(highest, acknowledged);
            }
        }

        return highest;
    }

    /// <summary>A node's role, history and offset; on a master also what its replicas acknowledged (see the method of that name).</summary>
    private sealed record ReplicationState(string? Role, string? ReplicationId, long Offset, long AcknowledgedByReplica);

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
