using System.Buffers;
using System.Net.WebSockets;

namespace VibeZ.Bench.Systems.WebSocketFloor;

/// <summary>
/// One WebSocket to the floor server. A subscriber's first frame is <c>subscribed</c>; every later one is a message's
/// data, as the publisher sent it.
/// </summary>
internal sealed class FloorConnection : IAsyncDisposable
{
    private const int BufferBytes = 64 * 1024;

    private readonly ClientWebSocket _socket = new();
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<ReadOnlySpan<byte>>? _onMessage;
    private Task _receiving = Task.CompletedTask;

    private FloorConnection(Action<ReadOnlySpan<byte>>? onMessage) => _onMessage = onMessage;

    /// <summary>Gets why the connection ended, once it did.</summary>
    public string? Ended { get; private set; }

    /// <summary>
    /// Connects to <paramref name="address"/>; a subscriber (with <paramref name="onMessage"/>) returns once the server
    /// said <c>subscribed</c>. The connection is closed again if that fails.
    /// </summary>
    public static async Task<FloorConnection> OpenAsync(Uri address, Action<ReadOnlySpan<byte>>? onMessage, CancellationToken cancellationToken)
    {
        var connection = new FloorConnection(onMessage);
        try
        {
            await connection._socket.ConnectAsync(address, cancellationToken);
            connection._receiving = Task.Run(connection.ReceiveLoopAsync, CancellationToken.None);
            if (onMessage is not null)
            {
                await connection._subscribed.Task.WaitAsync(cancellationToken);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> frame) =>
        _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

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
                var result = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    Ended = $"closed by the server: {_socket.CloseStatus} {_socket.CloseStatusDescription}";
                    _subscribed.TrySetException(new InvalidOperationException(Ended));
                    return;
                }

                length += result.Count;
                if (result.EndOfMessage)
                {
                    if (!_subscribed.TrySetResult())
                    {
                        _onMessage?.Invoke(buffer.AsSpan(0, length));
                    }

                    length = 0;
                }
                else if (length == buffer.Length)
                {
                    throw new InvalidOperationException($"A frame from the floor server is over {BufferBytes} bytes; the bench sends none that large.");
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
}
