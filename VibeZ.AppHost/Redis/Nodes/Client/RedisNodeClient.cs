using System.Net;
using StackExchange.Redis;

namespace VibeZ.Redis;

/// <summary>
/// Runs commands on exactly one Redis node (a master, replica, sentinel or cluster node) through StackExchange.Redis's
/// <see cref="IServer"/>: the AppHost's health checks, fault commands and cluster checks, and the tests' processes,
/// use it to ask a node about itself. It connects on its first command and closes on dispose; one client is meant for
/// one check, so it sees the node as it is now.
/// </summary>
/// <remarks>
/// <para>
/// A multiplexer is built to follow a topology, and a node check must not. The client connects in StackExchange.Redis's
/// proxy mode (<see cref="Proxy.Twemproxy"/>): a proxy hides the nodes behind it, so the multiplexer skips its
/// auto-configuration on connect (no <c>INFO</c>, no <c>CLUSTER NODES</c>, no dials to the peers a cluster node
/// lists) and the connection is ready after the login. Without it, a multiplexer opened on a cluster node read
/// <c>CLUSTER NODES</c> and waited its whole connect timeout for the peers it found (measured: PING took 3 s of a
/// 3 s budget; in proxy mode 5 ms). The command map is set explicitly, because the proxy's own map would take away
/// <c>INFO</c>, <c>CLUSTER</c>, <c>DEBUG</c> and the other commands checks send, and because StackExchange.Redis
/// refuses <c>GetServer</c> in proxy mode, the node's <see cref="IServer"/> is taken from <c>GetServers</c>.
/// </para>
/// <para>
/// Every command carries <see cref="CommandFlags.NoRedirect"/>, so a <c>MOVED</c> or <c>ASK</c> comes back as the
/// node's answer instead of being followed. Reading <c>CLUSTER NODES</c> (<see cref="ClusterNodesAsync"/>) still makes
/// the multiplexer learn the peers and dial them, at the addresses the nodes announce, which the host often cannot
/// reach; <see cref="OnlyThisNode"/> refuses those dials before a socket exists, so nothing is sent elsewhere.
/// </para>
/// <para>
/// One multiplexer per client, disposed with it, rather than one kept per node for the life of a health check: a
/// kept multiplexer would reconnect, queue and heartbeat in the background between checks, and a check would then
/// report what the multiplexer remembers rather than whether the node answers a fresh connection now, which is the
/// question a health check asks. A check's few commands share the one connection.
/// </para>
/// </remarks>
internal sealed partial class RedisNodeClient(RedisNodeAddress address, TimeSpan? timeout = null) : IAsyncDisposable
{
    /// <summary>How long the connection, and then each command, may take; a node check must not hold up a health round.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(3);

    private const CommandFlags Flags = CommandFlags.NoRedirect;

    // Every command a node check may send, less ECHO and the subscriptions. Sentinels have no ECHO, which
    // StackExchange.Redis sends to check a new connection when the map offers it; without it the check is a PING, which
    // every kind of node answers. Without SUBSCRIBE no second (subscription) connection is opened, which a node busy
    // with DEBUG SLEEP would leave waiting. (CommandMap.Sentinel would also take away the CLIENT, CONFIG and CLUSTER
    // commands data nodes are asked.)
    private static readonly CommandMap AnyNode = CommandMap.Create(["ECHO", "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE"], available: false);

    private readonly TimeSpan _timeout = timeout ?? DefaultTimeout;
    private readonly EndPoint _endPoint = IPAddress.TryParse(address.Host, out var ip) ? new IPEndPoint(ip, address.Port) : new DnsEndPoint(address.Host, address.Port);
    private Task<ConnectionMultiplexer>? _connecting;

    /// <summary>Gets the node this client talks to.</summary>
    public RedisNodeAddress Address { get; } = address;

    /// <summary>Gets the endpoints the multiplexer holds a connection to; only the node's own, whatever the node announced.</summary>
    internal IReadOnlyList<EndPoint> ConnectedEndPoints =>
        _connecting is { IsCompletedSuccessfully: true } connecting
            ? [.. connecting.Result.GetServers().Where(server => server.IsConnected).Select(server => server.EndPoint)]
            : [];

    public async ValueTask DisposeAsync()
    {
        if (_connecting is null)
        {
            return;
        }

        try
        {
            var multiplexer = await _connecting;

            // Without QUIT and without waiting for replies still due: a node busy with DEBUG SLEEP answers none.
            await multiplexer.CloseAsync(allowCommandsToComplete: false);
            await multiplexer.DisposeAsync();
        }
        catch (RedisException)
        {
            // It never connected; there is nothing to close.
        }
    }

    /// <summary>Runs one command on the node and returns its reply.</summary>
    /// <exception cref="RedisNodeException">The node refused the command or the login, or did not answer in time.</exception>
    public async Task<RedisResult> ExecuteAsync(string[] command, CancellationToken cancellationToken)
    {
        var server = await ServerAsync(command[0], cancellationToken);
        return await AnswerAsync(command[0], () => server.ExecuteAsync(command[0], command[1..], Flags), cancellationToken);
    }

    /// <summary>Runs one command on the node and returns its reply as text (array items one per line, nil as empty).</summary>
    /// <exception cref="RedisNodeException">The node refused the command or the login, or did not answer in time.</exception>
    public async Task<string> QueryAsync(string[] command, CancellationToken cancellationToken) =>
        Text(await ExecuteAsync(command, cancellationToken));

    /// <summary>Runs one command on a node on a connection of its own; for a single question, e.g. from a test.</summary>
    /// <exception cref="RedisNodeException">The node refused the command or the login, or did not answer in time.</exception>
    public static async Task<string> QueryAsync(RedisNodeAddress address, string[] command, CancellationToken cancellationToken)
    {
        await using var client = new RedisNodeClient(address);
        return await client.QueryAsync(command, cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="command"/> and waits at most <paramref name="answerWithin"/> for its reply: for commands that
    /// block the node (<c>DEBUG SLEEP</c>), whose reply comes long after, while a refusal comes at once.
    /// </summary>
    /// <returns>The reply as text, or <see langword="null"/> when none came in time: the node is still running the command.</returns>
    /// <exception cref="RedisNodeException">The node refused the command or the login, closed the connection, or could not be reached.</exception>
    public async Task<string?> StartAsync(string[] command, TimeSpan answerWithin, CancellationToken cancellationToken) =>
        await await SendAsync(command, answerWithin, cancellationToken);

    /// <summary>
    /// Sends <paramref name="command"/> and returns as soon as it is on its way, with the wait for its reply as a task of
    /// its own: for a caller that must act the moment a blocking command starts, and learn of a refusal afterwards.
    /// </summary>
    /// <returns>A task that ends as <see cref="StartAsync"/> does: the reply as text, or <see langword="null"/> when none came within <paramref name="answerWithin"/>.</returns>
    /// <exception cref="RedisNodeException">The node refused the login, or could not be reached.</exception>
    public async Task<Task<string?>> SendAsync(string[] command, TimeSpan answerWithin, CancellationToken cancellationToken)
    {
        var server = await ServerAsync(command[0], cancellationToken);
        var reply = server.ExecuteAsync(command[0], command[1..], Flags);
        return AwaitAsync();

        async Task<string?> AwaitAsync()
        {
            try
            {
                return Text(await reply.WaitAsync(answerWithin, cancellationToken));
            }
            catch (TimeoutException)
            {
                // The node has the command and is busy with it; closing the connection does not stop it. The reply that
                // never comes ends as a failure when the client is disposed, and is observed here so it goes unreported.
                _ = reply.ContinueWith(static task => task.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                return null;
            }
            catch (Exception ex) when (ex is RedisException)
            {
                throw Failure(command[0], ex);
            }
        }
    }

    private async Task<IServer> ServerAsync(string command, CancellationToken cancellationToken)
    {
        _connecting ??= ConnectAsync();
        try
        {
            // The connect is bounded by its own ConnectTimeout; a caller that gives up leaves it to DisposeAsync.
            var multiplexer = await _connecting.WaitAsync(cancellationToken);
            // GetServer refuses proxy mode; GetServers lists this node, and any peer CLUSTER NODES made known.
            return multiplexer.GetServers().Single(server => server.EndPoint.Equals(_endPoint));
        }
        catch (RedisException ex)
        {
            throw Failure(command, ex);
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var milliseconds = (int)_timeout.TotalMilliseconds;
        var options = new ConfigurationOptions
        {
            EndPoints = { _endPoint },
            User = Address.User,
            Password = Address.Password,
            Ssl = Address.ServerCertificateValidation is not null,
            SslHost = Address.Host,
            ClientName = "vibez-node-client",
            Tunnel = new OnlyThisNode(_endPoint),

            // A proxy's connection is not auto-configured: nothing is asked and no peer is dialed before it is ready.
            Proxy = Proxy.Twemproxy,
            CommandMap = AnyNode,

            // Admin commands (DEBUG, CLUSTER FAILOVER, CLIENT LIST) are what node checks and fault commands send.
            AllowAdmin = true,

            // One try, and a failure at once, not after retries: the caller reports the node as not answering.
            AbortOnConnectFail = true,
            ConnectRetry = 1,
            ConnectTimeout = milliseconds,
            AsyncTimeout = milliseconds,
            SyncTimeout = milliseconds,
            BacklogPolicy = BacklogPolicy.FailFast,

            // No tie-breaker key read and no configuration channel: nothing on the node but what the caller sends.
            TieBreaker = "",
            ConfigurationChannel = "",
        };
        if (Address.ServerCertificateValidation is { } validate)
        {
            options.CertificateValidation += validate;
        }

        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    private async Task<T> AnswerAsync<T>(string command, Func<Task<T>> send, CancellationToken cancellationToken)
    {
        try
        {
            // StackExchange.Redis checks its AsyncTimeout on its heartbeat, up to a second late; this bound is exact.
            return await send().WaitAsync(_timeout, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw Failure(command, ex);
        }
    }

    private RedisNodeException Failure(string command, Exception ex) => ex switch
    {
        // The node's own words, e.g. "NOREPLICAS Not enough good replicas to write." or "MOVED 3999 127.0.0.1:7001".
        RedisServerException => new(ex.Message, ex) { IsErrorReply = true },

        // A client-side refusal on the node's behalf, e.g. a write to a node it knows is a replica.
        RedisCommandException => new($"{Address} refuses {command}: {ex.Message}", ex) { IsErrorReply = true },

        // A wrong password or user: the node refused the login, it did not fail to answer.
        RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure } =>
            new(ex.InnerException is RedisServerException refusal ? refusal.Message : $"{Address} refused the login for {command}: {ex.Message}", ex) { IsErrorReply = true },
        _ => new($"{Address} did not answer {command}: {(ex.InnerException ?? ex).Message}", ex),
    };

    private static string Text(RedisResult result) => result.Resp2Type switch
    {
        ResultType.Array => string.Join('\n', ((RedisResult[]?)result ?? []).Select(Text)),
        _ => result.IsNull ? "" : result.ToString() ?? "",
    };
}
