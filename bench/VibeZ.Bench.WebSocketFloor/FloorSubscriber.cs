using System.Net.WebSockets;

namespace VibeZ.Bench.WebSocketFloor;

/// <summary>A subscribed socket; one write at a time, since a WebSocket takes no concurrent sends.</summary>
internal sealed class FloorSubscriber(WebSocket socket)
{
    private readonly SemaphoreSlim _writing = new(1, 1);

    public async Task SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            await socket.SendAsync(data, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
        {
            // This subscriber is going away; the others still get the message.
        }
        finally
        {
            _writing.Release();
        }
    }
}
