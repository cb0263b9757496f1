using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VibeZ.Testing.Gateway;

/// <summary>
/// A real WebSocket client of one Gateway: it records every frame it receives, in order, and waits for frames with a
/// timeout that says what it waited for and what it got.
/// </summary>
public sealed partial class GatewayClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly List<JsonObject> _frames = [];
    private readonly List<long> _arrivals = [];
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private Task _receiving = Task.CompletedTask;
    private HttpMessageInvoker? _invoker;

    private GatewayClient(string name) => Name = name;

    public string Name { get; }

    /// <summary>Gets the close status the Gateway sent, once the connection ended.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseDescription => _socket.CloseStatusDescription;

    /// <summary>Gets whether the receive loop ended (closed or aborted).</summary>
    public bool Ended => _receiving.IsCompleted;

    /// <summary>When set, the client stops reading from the socket until it is cleared (a slow client).</summary>
    public ManualResetEventSlim Reading { get; } = new(true);

    /// <summary>Gets the receive loop, which ends when the connection does.</summary>
    public Task Completion => _receiving;

    /// <summary>Raised on the receive loop for each frame, in arrival order, after <see cref="Frames"/> has it.</summary>
    public event Action<JsonObject>? Received;

    /// <summary>Connects with a token that grants every channel, in the upgrade's Authorization header.</summary>
    public static Task<GatewayClient> ConnectAsync(GatewayProcess gateway, string name, TimeSpan? timeout = null) =>
        ConnectAsync(gateway, name, gateway.MintToken(), timeout: timeout);

    /// <summary>
    /// Connects like <see cref="ConnectAsync(GatewayProcess, string, TimeSpan?)"/> over a socket whose receive buffer is
    /// fixed at <paramref name="receiveBufferBytes"/> before it connects, which turns the kernel's autotuning off (up to
    /// <c>net.ipv4.tcp_rmem</c>'s 32 MiB here): a client that stops reading shuts its TCP window after a few MB of frames,
    /// not after some 40 MB.
    /// </summary>
    public static Task<GatewayClient> ConnectWithReceiveBufferAsync(GatewayProcess gateway, string name, int receiveBufferBytes) =>
        ConnectAsync(gateway, name, gateway.MintToken(), receiveBufferBytes: receiveBufferBytes);

    /// <summary>
    /// Connects with <paramref name="bearer"/> in the Authorization header, or none when null (then the first frame must
    /// be a connect frame, <see cref="AuthenticateAsync"/>), sending <paramref name="origin"/> as a browser would. A Gateway
    /// that does not complete the handshake within <paramref name="timeout"/> (default <see cref="TestWait.Timeout"/>) is given up on.
    /// </summary>
    public static Task<GatewayClient> ConnectAsync(GatewayProcess gateway, string name, string? bearer, string? origin = null, TimeSpan? timeout = null, int? receiveBufferBytes = null) =>
        ConnectAsync(gateway.WebSocketAddress, name, bearer, origin, timeout, receiveBufferBytes);

    /// <summary>
    /// Connects to the <c>/ws</c> address <paramref name="webSocketAddress"/> of any Gateway, one the tests started or one
    /// an AppHost runs, like <see cref="ConnectAsync(GatewayProcess, string, string?, string?, TimeSpan?, int?)"/>.
    /// </summary>
    public static async Task<GatewayClient> ConnectAsync(Uri webSocketAddress, string name, string? bearer, string? origin = null, TimeSpan? timeout = null, int? receiveBufferBytes = null)
    {
        var client = new GatewayClient(name);
        if (receiveBufferBytes is { } bytes)
        {
            client._invoker = new HttpMessageInvoker(new SocketsHttpHandler { ConnectCallback = (context, cancellationToken) => ConnectSocketAsync(context.DnsEndPoint, bytes, cancellationToken) });
        }

        if (bearer is not null)
        {
            client._socket.Options.SetRequestHeader("Authorization", "Bearer " + bearer);
        }

        if (origin is not null)
        {
            client._socket.Options.SetRequestHeader("Origin", origin);
        }

        try
        {
            await client._socket.ConnectAsync(webSocketAddress, client._invoker, TestContext.Current.CancellationToken).WaitAsync(timeout ?? TestWait.Timeout);
        }
        catch
        {
            // A paused Gateway leaves the handshake hanging: drop the half-open socket with the client.
            await client.DisposeAsync();
            throw;
        }

        client._receiving = Task.Run(client.ReceiveLoopAsync);
        return client;
    }

    private static async ValueTask<Stream> ConnectSocketAsync(System.Net.DnsEndPoint endPoint, int receiveBufferBytes, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = receiveBufferBytes };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Drops the connection without a close handshake, as a client whose network went away would.</summary>
    public void Abort() => _socket.Abort();

    /// <summary>Sends a connect frame and waits for its answer: <c>connected</c>, or the <c>error</c> that refused it.</summary>
    public async Task<JsonObject> AuthenticateAsync(string token)
    {
        var seen = Frames.Count;
        await SendAsync(new { type = "connect", token });
        return await WaitForAsync(f => Is(f, "connected") || Is(f, "error"), "the answer to the connect frame", after: seen);
    }

    /// <summary>Every frame so far.</summary>
    public IReadOnlyList<JsonObject> Frames
    {
        get
        {
            lock (_frames)
            {
                return [.. _frames];
            }
        }
    }

    /// <summary>Every frame so far with the <see cref="System.Diagnostics.Stopwatch"/> timestamp of its arrival.</summary>
    public IReadOnlyList<(JsonObject Frame, long Timestamp)> TimedFrames
    {
        get
        {
            lock (_frames)
            {
                return [.. _frames.Zip(_arrivals)];
            }
        }
    }

    public Task SendAsync(object frame) => SendTextAsync(JsonSerializer.Serialize(frame));

    public async Task SendTextAsync(string text) => await SendRawAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public async Task SendRawAsync(byte[] bytes, WebSocketMessageType type)
    {
        await _sendLock.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            await _socket.SendAsync(bytes, type, endOfMessage: true, TestContext.Current.CancellationToken).WaitAsync(TestWait.Timeout);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Subscribes and waits for the <c>subscribed</c> frame.</summary>
    public async Task<JsonObject> SubscribeAsync(string channel, object? since = null)
    {
        var seen = Frames.Count;
        await SendAsync(since is null ? new { type = "subscribe", channel } : new { type = "subscribe", channel, since });
        return await WaitForAsync(f => Is(f, "subscribed") && (string?)f["channel"] == channel, $"subscribed to {channel}", after: seen);
    }

    public static bool Is(JsonObject frame, string type) => (string?)frame["type"] == type;

    public static bool IsMessage(JsonObject frame, string channel) => Is(frame, "message") && (string?)frame["channel"] == channel;

    public async ValueTask DisposeAsync()
    {
        Reading.Set();
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "test done", timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // Already gone: nothing to close.
            }
        }

        _socket.Abort();
        await _receiving.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _socket.Dispose();
        _invoker?.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        // Below the large-object threshold (85 000 bytes): a test that connects many clients makes no large-object
        // garbage, whose collections would pause the process it measures latency in. Longer frames are assembled below.
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                Reading.Wait();
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var frame = JsonNode.Parse(message.ToArray())!.AsObject();
                message.SetLength(0);
                lock (_frames)
                {
                    _frames.Add(frame);
                    _arrivals.Add(System.Diagnostics.Stopwatch.GetTimestamp());
                }

                Received?.Invoke(frame);
                _arrived.Release();
            }
        }
        catch (WebSocketException)
        {
            // Aborted; Ended says so.
        }
        finally
        {
            _arrived.Release();
        }
    }
}
