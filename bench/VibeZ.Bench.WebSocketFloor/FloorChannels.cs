using System.Buffers;
using System.Net.WebSockets;
using System.Text;

namespace VibeZ.Bench.WebSocketFloor;

/// <summary>
/// The whole server: <c>/ws?channel=NAME</c> subscribes the socket to NAME and answers <c>subscribed</c>; a socket
/// opened without a channel publishes, each text frame being <c>NAME\n</c> followed by the data, which goes as it is to
/// every socket subscribed to NAME.
/// </summary>
internal sealed class FloorChannels
{
    private const int ReceiveBufferBytes = 4096;

    private static readonly byte[] Subscribed = "subscribed"u8.ToArray();

    // The least a channel table can hold: a list of sockets per name, under one lock. A floor must not add weight of its
    // own (a ConcurrentDictionary per channel would be about 0.9 KiB a channel).
    private readonly Dictionary<string, List<FloorSubscriber>> _channels = [];

    public async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var channel = context.Request.Query["channel"].ToString();
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        try
        {
            if (channel.Length > 0)
            {
                await ListenAsync(socket, channel, context.RequestAborted);
            }
            else
            {
                await PublishAsync(socket, context.RequestAborted);
            }

            if (socket.State == WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, context.RequestAborted);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The client went away; nothing to answer.
        }
    }

    private async Task ListenAsync(WebSocket socket, string channel, CancellationToken cancellationToken)
    {
        var subscriber = new FloorSubscriber(socket);
        lock (_channels)
        {
            if (!_channels.TryGetValue(channel, out var members))
            {
                _channels[channel] = members = new List<FloorSubscriber>(1);
            }

            members.Add(subscriber);
        }

        try
        {
            await subscriber.SendAsync(Subscribed, cancellationToken);

            // A subscriber says nothing more: wait for its close with a zero-byte read, as the Gateway does, so an idle
            // socket holds no buffer. Anything it does send is read and dropped.
            while ((await socket.ReceiveAsync(Memory<byte>.Empty, cancellationToken)).MessageType != WebSocketMessageType.Close)
            {
                var (closed, frame, _) = await ReadFrameAsync(socket, cancellationToken);
                ArrayPool<byte>.Shared.Return(frame);
                if (closed)
                {
                    return;
                }
            }
        }
        finally
        {
            lock (_channels)
            {
                if (_channels.TryGetValue(channel, out var members) && members.Remove(subscriber) && members.Count == 0)
                {
                    _channels.Remove(channel);
                }
            }
        }
    }

    private async Task PublishAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (closed, frame, length) = await ReadFrameAsync(socket, cancellationToken);
            try
            {
                if (closed)
                {
                    return;
                }

                var newline = frame.AsSpan(0, length).IndexOf((byte)'\n');
                if (newline > 0 && Members(Encoding.UTF8.GetString(frame, 0, newline)) is { } members)
                {
                    var data = frame.AsMemory(newline + 1, length - newline - 1);
                    foreach (var subscriber in members)
                    {
                        await subscriber.SendAsync(data, cancellationToken);
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(frame);
            }
        }
    }

    private FloorSubscriber[]? Members(string channel)
    {
        lock (_channels)
        {
            return _channels.TryGetValue(channel, out var members) ? [.. members] : null;
        }
    }

    /// <summary>Reads one whole frame into a rented buffer (the caller returns it), or Closed once the client sent a close frame.</summary>
    private static async Task<(bool Closed, byte[] Frame, int Length)> ReadFrameAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferBytes);
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                buffer.AsSpan(0, length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }

            var result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
            length += result.Count;
            if (result.MessageType == WebSocketMessageType.Close || result.EndOfMessage)
            {
                return (result.MessageType == WebSocketMessageType.Close, buffer, length);
            }
        }
    }
}
