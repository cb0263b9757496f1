using System.Buffers;
using System.Net.WebSockets;

namespace VibeZ.Gateway.Connections;

/// <summary>Reading frames, answering invalid ones, and handing each valid one to its handler.</summary>
internal sealed partial class GatewayConnection
{
    // What a frame is first read into; a larger one is read into larger rented buffers, up to the frame limit.
    private const int ReceiveBufferBytes = 4096;

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            // An idle connection should hold no receive buffer: ten thousand idle clients would pin 40 MiB of them. A
            // zero-byte read waits for the next frame's header without one; a buffer is rented only while a frame is read.
            var next = await _socket.ReceiveAsync(Memory<byte>.Empty, cancellationToken);
            if (next.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            var (closed, frame) = await ReadFrameAsync(next, cancellationToken);
            if (closed)
            {
                return;
            }

            if (frame is not null && TakeCommandToken(frame))
            {
                await HandleAsync(frame, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Reads the rest of the frame whose header <paramref name="next"/> announced into a rented buffer and parses it,
    /// answering what is oversize, binary or invalid; returns the frame to handle (null for one already answered), or
    /// Closed once the client sent a close frame.
    /// </summary>
    private async Task<(bool Closed, ClientFrame? Frame)> ReadFrameAsync(ValueWebSocketReceiveResult next, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferBytes);
        try
        {
            var length = 0;
            var oversize = false;
            var result = next;
            while (!result.EndOfMessage)
            {
                if (length == buffer.Length)
                {
                    if (oversize)
                    {
                        // Keep reading into the same space so an oversize frame costs no more memory than the limit.
                        length = 0;
                    }
                    else
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                }

                result = await _socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return (true, null);
                }

                length += result.Count;
                oversize |= length > _options.MaxMessageBytes;
            }

            if (oversize)
            {
                Reject(ServerFrames.Error(null, null, GatewayErrorCodes.MessageTooLarge, $"Frames are limited to {_options.MaxMessageBytes} bytes.", retryable: false));
            }
            else if (result.MessageType == WebSocketMessageType.Binary)
            {
                Reject(ServerFrames.Error(null, null, GatewayErrorCodes.BinaryNotSupported, "Frames are JSON text; binary frames are not accepted.", retryable: false));
            }
            else if (ClientFrame.TryParse(buffer.AsMemory(0, length), out var frame, out var error))
            {
                // Invalid frames are bounded by Gateway:MaxInvalidFrames instead; a valid one is parsed before it is
                // counted so a refusal can name the frame's id and channel. The frame holds strings, not the buffer,
                // so the buffer goes back to the pool before the frame is handled (a publish may wait for credits).
                return (false, frame);
            }
            else
            {
                Reject(error);
            }

            return (false, null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task HandleAsync(ClientFrame frame, CancellationToken cancellationToken)
    {
        if (frame.Type == ClientFrame.Connect)
        {
            await ConnectAsync(frame, cancellationToken);
            return;
        }

        if (frame.Type == ClientFrame.Refresh)
        {
            await RefreshAsync(frame, cancellationToken);
            return;
        }

        if (!CheckAuthenticated(frame))
        {
            return;
        }

        switch (frame.Type)
        {
            case ClientFrame.Subscribe:
                await SubscribeAsync(frame, cancellationToken);
                break;
            case ClientFrame.Unsubscribe:
                await UnsubscribeAsync(frame);
                break;
            default:
                await PublishAsync(frame, cancellationToken);
                break;
        }
    }

    /// <summary>Answers an invalid frame; a client that keeps sending them, or sends one before it authenticated, is closed.</summary>
    private void Reject(byte[] error)
    {
        TrySend(error);
        if (_identity is null)
        {
            // Before a valid connect frame, the first bad frame is the last.
            Close(WebSocketCloseStatus.PolicyViolation, "not authenticated", warn: false);
        }
        else if (++_invalidFrames > _options.MaxInvalidFrames)
        {
            Close(WebSocketCloseStatus.PolicyViolation, $"more than {_options.MaxInvalidFrames} invalid frames");
        }
    }
}
