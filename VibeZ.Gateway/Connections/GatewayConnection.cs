using System.Net.WebSockets;
using System.Threading.Channels;
using VibeZ.Gateway.Security;

namespace VibeZ.Gateway.Connections;

/// <summary>
/// One client's WebSocket: frames in are read and answered in order on the receive loop; frames out go through a
/// bounded queue drained by the send loop, so delivery to this client never waits for it and never slows anyone else.
/// </summary>
internal sealed partial class GatewayConnection : IChannelSubscriber
{
    // How long a client gets to read what is queued and answer our close frame before the socket is simply aborted;
    // long enough that a slow reader still learns why it was disconnected.
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly WebSocket _socket;
    private readonly ChannelHub _hub;
    private readonly SystemChannel _system;
    private readonly GatewayOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<ReadOnlyMemory<byte>> _outbox;
    private readonly CancellationTokenSource _closing = new();
    private readonly HashSet<string> _channels = [];
    private (WebSocketCloseStatus Status, string Reason, bool Drain)? _close;
    private int _publishesInFlight;
    private int _invalidFrames;

    // identity: the client its upgrade request authenticated as, or null when it must send a connect frame first.
    public GatewayConnection(
        string id, WebSocket socket, ChannelHub hub, SystemChannel system, GatewayOptions options, ClientAuthenticator auth, ClientIdentity? identity, ILogger logger)
    {
        Id = id;
        _socket = socket;
        _hub = hub;
        _system = system;
        _options = options;
        _auth = auth;
        _logger = logger;
        _outbox = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(options.SendQueueCapacity) { SingleReader = true });
        _initialIdentity = identity;
    }

    public string Id { get; }

    public bool TrySend(ReadOnlyMemory<byte> frame)
    {
        if (_outbox.Writer.TryWrite(frame))
        {
            return true;
        }

        // What is queued stays unsent: the client could not keep up with it, and the close frame must not wait behind it.
        Close(WebSocketCloseStatus.PolicyViolation, $"send queue overflow: more than {_options.SendQueueCapacity} frames waited for this client", drain: false);
        return false;
    }

    /// <summary>Runs the connection until either side closes it, or the Gateway stops (<paramref name="stopping"/>).</summary>
    public async Task RunAsync(CancellationToken aborted, CancellationToken stopping)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted, _closing.Token);

        // Say so at once when the Gateway stops, so clients reconnect to another replica instead of waiting out the
        // host's shutdown timeout on a connection that no longer delivers.
        using var shutdown = stopping.Register(() => Close(WebSocketCloseStatus.EndpointUnavailable, "Gateway shutting down"));
        var sending = SendLoopAsync(stop.Token);
        StartAuthentication();
        var reason = "closed by the client";
        try
        {
            await ReceiveLoopAsync(stop.Token);
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
        _closing.CancelAfter(CloseHandshakeTimeout);
    }

    private async Task SendLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var frame in _outbox.Reader.ReadAllAsync(cancellationToken))
            {
                if (_close is { Drain: false })
                {
                    break;
                }

                await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            }

            if (_close is { } close && _socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(close.Status, close.Reason, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The client went away or did not read in time; the receive loop ends on the same cancellation.
            _closing.Cancel();
        }
    }
}
