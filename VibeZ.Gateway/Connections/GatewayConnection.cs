using System.Net.WebSockets;
using System.Threading.Channels;
using VibeZ.Channels.Delivery;
using VibeZ.Channels.Presence;
using VibeZ.Gateway.Presence;
using VibeZ.Gateway.Security.Grants;
using VibeZ.Gateway.Security.Tokens;

namespace VibeZ.Gateway.Connections;

/// <summary>
/// One client's WebSocket: frames in are read and answered in order on the receive loop; frames out go through a
/// byte-bounded queue drained by the send loop, so delivery to this client never waits for it and never slows anyone else.
/// </summary>
internal sealed partial class GatewayConnection : IChannelSubscriber
{
    // How long a client gets to read what is queued and answer our close frame before the socket is simply aborted;
    // long enough that a slow reader still learns why it was disconnected.
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly WebSocket _socket;
    private readonly ChannelHub _hub;
    private readonly SystemChannel _system;
    private readonly ChannelPresence _presence;
    private readonly GatewayOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<Outgoing> _outbox;
    private readonly SemaphoreSlim _publishCredits;
    private readonly CancellationTokenSource _closing = new();

    // Fires as soon as the connection is closing, so its publishes still queued behind others are withdrawn.
    private readonly CancellationTokenSource _closed = new();
    private readonly HashSet<string> _channels = [];
    private readonly HashSet<string> _presenceChannels = [];
    private (WebSocketCloseStatus Status, string Reason, bool Drain)? _close;
    private CommandBucket? _commands;
    private long _queuedBytes;
    private readonly Action _abortTransport;
    private volatile bool _writeTimedOut;
    private int _invalidFrames;
    private int _refusedInARow;

    // identity: the client its upgrade request authenticated as, or null when it must send a connect frame first.
    // abortTransport: ends the TCP connection at once (HttpContext.Abort), for a client that stopped reading.
    public GatewayConnection(
        string id,
        WebSocket socket,
        ChannelHub hub,
        SystemChannel system,
        ChannelPresence presence,
        GatewayOptions options,
        ClientAuthenticator auth,
        ClientIdentity? identity,
        Action abortTransport,
        ILogger logger)
    {
        _abortTransport = abortTransport;
        Id = id;
        _socket = socket;
        _hub = hub;
        _system = system;
        _presence = presence;
        _options = options;
        _auth = auth;
        _logger = logger;
        // Bounded in name only: the cap is in bytes (TrySend). A bounded channel's queue starts empty and grows with
        // what is queued, where an unbounded one starts with a segment of 32 frames, 1.2 KiB an idle connection pins.
        _outbox = Channel.CreateBounded<Outgoing>(new BoundedChannelOptions(int.MaxValue) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _publishCredits = new SemaphoreSlim(options.MaxPublishesInFlight, options.MaxPublishesInFlight);
        _initialIdentity = identity;
    }

    public string Id { get; }

    /// <summary>Who this connection is in presence: the token's <c>sub</c>, or the connection id when authentication is off.</summary>
    private PresenceMember PresenceMember => new(_hub.Node, Id, _auth.Enabled ? _identity!.Subject : Id);

    public bool TrySend(ReadOnlyMemory<byte> frame)
    {
        // Bytes, not frames: 1024 frames of 64 KiB each would be 64 MiB per client. An empty queue takes any frame.
        var queued = Interlocked.Add(ref _queuedBytes, frame.Length);
        if (queued <= _options.SendQueueBytes || queued == frame.Length)
        {
            return _outbox.Writer.TryWrite(new Outgoing(frame, PublishReply: false));
        }

        // What is queued stays unsent: the client could not keep up with it, and the close frame must not wait behind it.
        Close(WebSocketCloseStatus.PolicyViolation, $"send queue overflow: more than {_options.SendQueueBytes} bytes waited for this client", drain: false);
        return false;
    }

    /// <summary>
    /// Queues the ack or error owed to one of this client's publishes. It does not count against the send queue's cap:
    /// there are at most <see cref="GatewayOptions.MaxPublishesInFlight"/> of them, because each holds its publish's
    /// credit until written, so a publisher slow to read its acks is slowed down, never closed as a slow reader.
    /// </summary>
    private void SendPublishReply(byte[] frame)
    {
        if (!_outbox.Writer.TryWrite(new Outgoing(frame, PublishReply: true)))
        {
            // Closed: nobody reads any more, but a receive loop may still be waiting for this credit until it stops.
            _publishCredits.Release();
        }
    }

    /// <summary>Runs the connection until either side closes it, or the Gateway stops (<paramref name="stopping"/>).</summary>
    public async Task RunAsync(CancellationToken aborted, CancellationToken stopping)
    {
        // The connection stops when the client aborts or _closing fires. A registration that cancels _closing costs an
        // idle connection less than a linked source over both would (a source and a second callback node).
        using var abortedRegistration = aborted.UnsafeRegister(static state => ((GatewayConnection)state!)._closing.Cancel(), this);
        var stop = _closing.Token;

        // Say so at once when the Gateway stops, so clients reconnect to another replica instead of waiting out the
        // host's shutdown timeout on a connection that no longer delivers.
        using var shutdown = stopping.UnsafeRegister(static state => ((GatewayConnection)state!).Close(WebSocketCloseStatus.EndpointUnavailable, "Gateway shutting down"), this);
        var sending = SendLoopAsync(stop);
        StartAuthentication();
        var reason = "closed by the client";
        try
        {
            await ReceiveLoopAsync(stop);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            reason = ex.Message;
        }
        finally
        {
            StopAuthentication();
            foreach (var channel in _channels)
            {
                await LeaveAsync(channel);
            }

            Close(WebSocketCloseStatus.NormalClosure, "bye");
            await sending;
            GatewayLog.ClientDisconnected(_logger, Id, _close?.Reason ?? reason);
        }
    }

    /// <summary>
    /// Stops taking frames, sends what is queued when <paramref name="drain"/> is set, says why in a close frame, and
    /// aborts if the client does not answer it in time. <paramref name="warn"/> is false for closes that are the
    /// client's everyday business (an expired token, no token), which anyone can cause and which must not flood the log.
    /// </summary>
    private void Close(WebSocketCloseStatus status, string reason, bool drain = true, bool warn = true)
    {
        lock (_outbox)
        {
            if (_close is not null)
            {
                return;
            }

            _close = (status, reason, drain);
        }

        if (status != WebSocketCloseStatus.NormalClosure && warn)
        {
            GatewayLog.ClientClosedByGateway(_logger, Id, reason);
        }

        _outbox.Writer.TryComplete();
        _ = _closed.CancelAsync();
        _closing.CancelAfter(CloseHandshakeTimeout);
    }

    private async Task SendLoopAsync(CancellationToken cancellationToken)
    {
        // One source for every write of this connection: the write timer cancels it, and so does the connection's end.
        using var writes = new CancellationTokenSource();
        using var stopped = cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), writes);
        // Disposed first, and asynchronously: that waits for a callback still running, which must not find the
        // source above already disposed.
        await using var writeTimer = _auth.Time.CreateTimer(
            static state =>
            {
                var (connection, sends) = ((GatewayConnection, CancellationTokenSource))state!;
                connection.OnWriteTimeout(sends);
            },
            (this, writes), Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        try
        {
            await foreach (var outgoing in _outbox.Reader.ReadAllAsync(cancellationToken))
            {
                if (_close is { Drain: false })
                {
                    break;
                }

                writeTimer.Change(_options.WriteTimeout, Timeout.InfiniteTimeSpan);
                await _socket.SendAsync(outgoing.Frame, WebSocketMessageType.Text, endOfMessage: true, writes.Token);
                writeTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                if (outgoing.PublishReply)
                {
                    _publishCredits.Release();
                }
                else
                {
                    Interlocked.Add(ref _queuedBytes, -outgoing.Frame.Length);
                }
            }

            if (_close is { } close && _socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(close.Status, close.Reason, cancellationToken);
            }
        }
        catch (Exception ex) when (_writeTimedOut && ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The write timer closed the connection (OnWriteTimeout); the send it cut short ends here.
            _closing.Cancel();
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The client went away or did not read in time; the receive loop ends on the same cancellation.
            _closing.Cancel();
        }
    }

    /// <summary>
    /// A write did not finish in time: the client's TCP window stayed shut. The reason is recorded (and logged) before
    /// anything is cancelled: Kestrel and the socket react to the cancellation on this thread, and what they end (the
    /// send, the receive loop with its own "bye") must find the write timeout already said. Cancelling the send alone
    /// does not end a write Kestrel holds back for a full TCP window, so the connection itself is aborted, which does
    /// (a close frame could not get through either).
    /// </summary>
    private void OnWriteTimeout(CancellationTokenSource writes)
    {
        if (_closing.IsCancellationRequested)
        {
            return;
        }

        _writeTimedOut = true;
        Close(WebSocketCloseStatus.PolicyViolation, $"write timeout: the client read nothing for {_options.WriteTimeoutSeconds} s", drain: false);
        writes.Cancel();
        _abortTransport();
    }

    /// <summary>A frame waiting for the socket; a publish's reply gives its credit back once written.</summary>
    private readonly record struct Outgoing(ReadOnlyMemory<byte> Frame, bool PublishReply);
}
