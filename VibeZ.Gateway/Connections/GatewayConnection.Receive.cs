using System.Buffers;
using System.Net.WebSockets;
using VibeZ.Channels.Publishing;
using VibeZ.Channels.Storage;

namespace VibeZ.Gateway.Connections;

/// <summary>Reading frames and answering them.</summary>
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

    private async Task SubscribeAsync(ClientFrame frame, CancellationToken cancellationToken)
    {
        if (frame.Channel != ChannelName.System && !_identity!.Subscribe.Allows(frame.Channel))
        {
            Forbid(frame, "subscribe");
            return;
        }

        // Resuming replays history: the token must grant reading it.
        if (frame.Since is not null && frame.Channel != ChannelName.System && !_identity!.History.Allows(frame.Channel))
        {
            Forbid(frame, "history (a subscribe with since replays it)");
            return;
        }

        // Subscribing again (to resume from another offset, say) starts over from that offset.
        if (_channels.Contains(frame.Channel))
        {
            await LeaveAsync(frame.Channel);
        }
        else if (_channels.Count >= _options.MaxChannelsPerConnection)
        {
            TrySend(ServerFrames.Error(frame.Id, frame.Channel, GatewayErrorCodes.TooManyChannels,
                $"This connection is subscribed to {_options.MaxChannelsPerConnection} channels already (Gateway:MaxChannelsPerConnection); unsubscribe from one first.", retryable: false));
            return;
        }

        if (frame.Channel == ChannelName.System)
        {
            _system.Join(this);
            _channels.Add(frame.Channel);
            return;
        }

        try
        {
            await _hub.JoinAsync(frame.Channel, this, frame.Since, cancellationToken);
            _channels.Add(frame.Channel);
        }
        catch (ChannelStoreException ex)
        {
            TrySend(ServerFrames.Error(frame.Id, frame.Channel, ex.Code, ex.Message, ex.Retryable));
            return;
        }

        if (frame.Presence)
        {
            await JoinPresenceAsync(frame, cancellationToken);
        }
    }

    /// <summary>
    /// Adds this client to the channel's presence. The subscription stands whatever happens here: a write Redis refused
    /// for want of a replica (a failover) gets a retryable error, and the next heartbeat writes it and announces the join.
    /// </summary>
    private async Task JoinPresenceAsync(ClientFrame frame, CancellationToken cancellationToken)
    {
        try
        {
            _presenceChannels.Add(frame.Channel);
            if (await _presence.JoinAsync(frame.Channel, this, PresenceMember, cancellationToken) is { } deferred)
            {
                TrySend(ServerFrames.Error(frame.Id, frame.Channel, deferred.Code,
                    $"Subscribed, but presence is not written yet: {deferred.Message}", retryable: true));
            }
        }
        catch (ChannelStoreException ex)
        {
            _presenceChannels.Remove(frame.Channel);
            TrySend(ServerFrames.Error(frame.Id, frame.Channel, ex.Code, $"Subscribed without presence: {ex.Message}", ex.Retryable));
        }
    }

    private async Task UnsubscribeAsync(ClientFrame frame)
    {
        if (!_channels.Contains(frame.Channel))
        {
            Reject(ServerFrames.Error(frame.Id, frame.Channel, GatewayErrorCodes.NotSubscribed, $"Not subscribed to {frame.Channel}.", retryable: false));
            return;
        }

        await LeaveAsync(frame.Channel);
        TrySend(ServerFrames.Unsubscribed(frame.Channel));
    }

    private async Task LeaveAsync(string channel)
    {
        _channels.Remove(channel);
        if (_presenceChannels.Remove(channel))
        {
            await _presence.LeaveAsync(channel, this);
        }

        if (channel == ChannelName.System)
        {
            _system.Leave(this);
        }
        else
        {
            await _hub.LeaveAsync(channel, this);
        }
    }

    /// <summary>
    /// Sends the publish to Redis now, so publishes reach Redis in the order the client sent them, and acks it when
    /// Redis confirms; the receive loop does not wait for Redis, so one client can have many publishes in flight.
    /// </summary>
    /// <remarks>
    /// A publish holds one of <see cref="GatewayOptions.MaxPublishesInFlight"/> credits until its ack or error has been
    /// written to the socket. With none left the receive loop waits here and stops reading the socket, so a publisher
    /// that outpaces Redis, or does not read its own acks, is slowed down by TCP instead of being refused or closed.
    /// </remarks>
    private async Task PublishAsync(ClientFrame frame, CancellationToken cancellationToken)
    {
        if (!_identity!.Publish.Allows(frame.Channel))
        {
            Forbid(frame, "publish");
            return;
        }

        await _publishCredits.WaitAsync(cancellationToken);

        // Without a client id the Gateway makes one, so its own retries during a failover cannot duplicate the message.
        var id = frame.Id ?? Guid.NewGuid().ToString("N");
        _ = PublishAsync(new PublishRequest(frame.Channel, Scope, id, frame.Data!));
    }

    private async Task PublishAsync(PublishRequest request)
    {
        byte[] reply;
        try
        {
            var result = await _hub.PublishAsync(request, _closed.Token);
            reply = ServerFrames.Ack(request.Id, request.Channel, result.Position);
        }
        catch (OperationCanceledException) when (_closed.IsCancellationRequested)
        {
            // The connection closed: a publish not yet sent to Redis was withdrawn, and no reply can reach the client.
            _publishCredits.Release();
            return;
        }
        catch (ChannelStoreException ex)
        {
            reply = ServerFrames.Error(request.Id, request.Channel, ex.Code, ex.Message, ex.Retryable);
        }
        catch (Exception ex)
        {
            GatewayLog.PublishFailed(_logger, request.Channel, ex);
            reply = ServerFrames.Error(request.Id, request.Channel, GatewayErrorCodes.InternalError, "The Gateway failed to publish the message; it was not acked.", retryable: true);
        }

        SendPublishReply(reply);
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
