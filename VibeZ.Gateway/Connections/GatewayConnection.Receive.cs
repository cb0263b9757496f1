using System.Buffers;
using System.Net.WebSockets;

namespace VibeZ.Gateway.Connections;

/// <summary>Reading frames and answering them.</summary>
internal sealed partial class GatewayConnection
{
    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var message = new ArrayBufferWriter<byte>(4096);
        var oversize = false;
        while (true)
        {
            var result = await _socket.ReceiveAsync(message.GetMemory(4096), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            if (!oversize)
            {
                message.Advance(result.Count);
                oversize = message.WrittenCount > _options.MaxMessageBytes;
            }

            if (oversize)
            {
                // Keep reading into the same space so an oversize frame costs no more memory than the limit.
                message.ResetWrittenCount();
            }

            if (!result.EndOfMessage)
            {
                continue;
            }

            if (oversize)
            {
                Reject(ServerFrames.Error(null, null, GatewayErrorCodes.MessageTooLarge, $"Frames are limited to {_options.MaxMessageBytes} bytes.", retryable: false));
            }
            else if (result.MessageType == WebSocketMessageType.Binary)
            {
                Reject(ServerFrames.Error(null, null, GatewayErrorCodes.BinaryNotSupported, "Frames are JSON text; binary frames are not accepted.", retryable: false));
            }
            else if (ClientFrame.TryParse(message.WrittenMemory, out var frame, out var error))
            {
                // Invalid frames are bounded by Gateway:MaxInvalidFrames instead; a valid one is parsed before it is
                // counted so a refusal can name the frame's id and channel.
                if (TakeCommandToken(frame))
                {
                    await HandleAsync(frame, cancellationToken);
                }
            }
            else
            {
                Reject(error);
            }

            message.ResetWrittenCount();
            oversize = false;
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
