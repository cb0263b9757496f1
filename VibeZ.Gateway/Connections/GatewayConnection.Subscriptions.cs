using VibeZ.Channels.Storage;

namespace VibeZ.Gateway.Connections;

/// <summary>Subscribe and unsubscribe frames: joining and leaving channels, <c>$system</c> and presence.</summary>
internal sealed partial class GatewayConnection
{
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
}
