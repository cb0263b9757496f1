namespace VibeZ.Bench.Systems.WebSocketFloor;

/// <summary>
/// One WebSocket to the floor server. A subscriber's first frame is <c>subscribed</c>; every later one is a message's
/// data, as the publisher sent it.
/// </summary>
internal sealed class FloorConnection : IAsyncDisposable
{
    private readonly FrameSocket _socket;
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<ReadOnlySpan<byte>>? _onMessage;

    private FloorConnection(Action<ReadOnlySpan<byte>>? onMessage)
    {
        _onMessage = onMessage;
        _socket = new FrameSocket("server", Handle, why => _subscribed.TrySetException(new InvalidOperationException(why)));
    }

    /// <summary>Gets why the connection ended, once it did.</summary>
    public string? Ended => _socket.Ended;

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

    public ValueTask SendAsync(ReadOnlyMemory<byte> frame) => _socket.SendAsync(frame, CancellationToken.None);

    public ValueTask DisposeAsync() => _socket.DisposeAsync();

    private void Handle(ReadOnlySpan<byte> frame)
    {
        if (!_subscribed.TrySetResult())
        {
            _onMessage?.Invoke(frame);
        }
    }
}
