using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using VibeZ.Testing.Gateway;

namespace VibeZ.Bench.Systems.Vibez;

/// <summary>
/// One WebSocket to a Gateway, read with a pooled buffer: only the frame's <c>type</c> and, for a message, the span of
/// its <c>data</c> are looked at, so reading costs no allocation per frame.
/// </summary>
internal sealed class VibezConnection : IAsyncDisposable
{
    private const int BufferBytes = 64 * 1024;

    private readonly ClientWebSocket _socket = new();
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _receiving = Task.CompletedTask;

    /// <summary>Called with the <c>data</c> of every <c>message</c> frame, on the receive loop.</summary>
    public Action<ReadOnlySpan<byte>>? OnMessage { get; init; }

    /// <summary>Called for every <c>ack</c>, on the receive loop.</summary>
    public Action? OnAck { get; init; }

    /// <summary>Called with the code of every <c>error</c> frame, on the receive loop.</summary>
    public Action<string>? OnError { get; init; }

    /// <summary>Called with the whole frame of every <c>ack</c> and <c>error</c>, on the receive loop, for clients that track each publish by id.</summary>
    public Action<ReadOnlySpan<byte>>? OnReply { get; init; }

    /// <summary>Gets why the connection ended, once it did.</summary>
    public string? Ended { get; private set; }

    /// <summary>
    /// Connects to <paramref name="address"/> with a freshly minted token and subscribes to <paramref name="channel"/>,
    /// calling <paramref name="onMessage"/> for every message; the connection is closed again if either step fails.
    /// </summary>
    public static async Task<VibezConnection> OpenSubscribedAsync(Uri address, string channel, Action<ReadOnlySpan<byte>> onMessage, CancellationToken cancellationToken)
    {
        var connection = new VibezConnection { OnMessage = onMessage };
        try
        {
            await connection.ConnectAsync(address, GatewayTokens.Mint(), cancellationToken);
            await connection.SubscribeAsync(channel, cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Connects with <paramref name="token"/> as the upgrade's bearer token, as a backend or app client would.</summary>
    public async Task ConnectAsync(Uri address, string token, CancellationToken cancellationToken)
    {
        _socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        await _socket.ConnectAsync(address, cancellationToken);
        _receiving = Task.Run(ReceiveLoopAsync, CancellationToken.None);
    }

    /// <summary>Subscribes and waits for the Gateway's <c>subscribed</c> frame.</summary>
    public async Task SubscribeAsync(string channel, CancellationToken cancellationToken)
    {
        await SendAsync(JsonSerializer.SerializeToUtf8Bytes(new { type = "subscribe", channel }), cancellationToken);
        await _subscribed.Task.WaitAsync(cancellationToken);
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken) =>
        _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bench done", timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // Already gone.
        }

        _socket.Abort();
        await _receiving.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _socket.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var result = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    Ended = $"closed by the Gateway: {_socket.CloseStatus} {_socket.CloseStatusDescription}";
                    _subscribed.TrySetException(new InvalidOperationException(Ended));
                    return;
                }

                length += result.Count;
                if (result.EndOfMessage)
                {
                    Handle(buffer.AsSpan(0, length));
                    length = 0;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            Ended ??= "aborted: " + ex.Message;
            _subscribed.TrySetException(new InvalidOperationException(Ended));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Handle(ReadOnlySpan<byte> frame)
    {
        // Every Gateway frame starts with its type (the publish script and ServerFrames both write it first).
        var reader = new Utf8JsonReader(frame);
        if (!reader.Read() || !reader.Read() || !reader.ValueTextEquals("type"u8) || !reader.Read())
        {
            return;
        }

        if (reader.ValueTextEquals("message"u8))
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("data"u8) && reader.Read())
                {
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    OnMessage?.Invoke(frame[start..(int)reader.BytesConsumed]);
                    return;
                }
            }
        }
        else if (reader.ValueTextEquals("ack"u8))
        {
            OnAck?.Invoke();
            OnReply?.Invoke(frame);
        }
        else if (reader.ValueTextEquals("subscribed"u8))
        {
            _subscribed.TrySetResult();
        }
        else if (reader.ValueTextEquals("error"u8))
        {
            var code = "error";
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("code"u8) && reader.Read())
                {
                    code = reader.GetString() ?? code;
                    break;
                }
            }

            _subscribed.TrySetException(new InvalidOperationException("The Gateway answered " + code));
            OnError?.Invoke(code);
            OnReply?.Invoke(frame);
        }
    }
}
