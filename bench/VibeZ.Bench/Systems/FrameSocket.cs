using System.Buffers;
using System.Net.WebSockets;

namespace VibeZ.Bench.Systems;

/// <summary>
/// A client WebSocket that hands every whole frame to <paramref name="onFrame"/>, on its receive loop, read into one
/// pooled buffer that grows when a frame needs it: receiving costs no allocation per frame. <paramref name="onEnded"/>
/// hears once why the socket ended, whether the <paramref name="peer"/> closed it or it broke.
/// </summary>
internal sealed class FrameSocket(string peer, Action<ReadOnlySpan<byte>> onFrame, Action<string> onEnded) : IAsyncDisposable
{
    private const int InitialBufferBytes = 64 * 1024;

    private readonly ClientWebSocket _socket = new();
    private Task _receiving = Task.CompletedTask;

    /// <summary>Gets the options to set before <see cref="ConnectAsync"/>, such as request headers.</summary>
    public ClientWebSocketOptions Options => _socket.Options;

    /// <summary>Gets why the socket ended, once it did.</summary>
    public string? Ended { get; private set; }

    public async Task ConnectAsync(Uri address, CancellationToken cancellationToken)
    {
        await _socket.ConnectAsync(address, cancellationToken);
        _receiving = Task.Run(ReceiveLoopAsync, CancellationToken.None);
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
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
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
                    End($"closed by the {peer}: {_socket.CloseStatus} {_socket.CloseStatusDescription}");
                    return;
                }

                length += result.Count;
                if (result.EndOfMessage)
                {
                    onFrame(buffer.AsSpan(0, length));
                    length = 0;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            End("aborted: " + ex.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void End(string why)
    {
        Ended ??= why;
        onEnded(Ended);
    }
}
