using VibeZ.Channels.Publishing;
using VibeZ.Channels.Storage;

namespace VibeZ.Gateway.Connections;

/// <summary>Publish frames: sending them to Redis in order, and acking them once Redis confirms.</summary>
internal sealed partial class GatewayConnection
{
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
}
