using System.Text;
using StackExchange.Redis;
using VibeZ.Channels;
using VibeZ.Channels.Broadcasts;

namespace VibeZ.Worker.Broadcasts;

/// <summary>Dead letters: which broadcasts are given up on, and giving up on one atomically.</summary>
internal sealed partial class BroadcastDelivery
{
    /// <summary>Why a broadcast can never be published, or has been tried too often; null when it may be published.</summary>
    private string? Poison(string? channel, string? data, long attempts)
    {
        var maxAttempts = broadcastOptions.Value.MaxAttempts;
        if (attempts > maxAttempts)
        {
            return $"too_many_attempts: handed to a Worker {attempts} times, more than Broadcasts:MaxAttempts ({maxAttempts})";
        }

        if (channel is null || data is null)
        {
            return "invalid_broadcast: the record has no channel or no data";
        }

        // The Gateway checked both when it stored the broadcast; the rules or the limit may have changed since.
        if (!ChannelName.TryValidate(channel, allowReserved: false, out var channelError))
        {
            return $"{GatewayErrorCodes.InvalidChannel}: {channelError}";
        }

        var maxBytes = gatewayOptions.Value.MaxMessageBytes;
        var bytes = Encoding.UTF8.GetByteCount(data);
        return bytes > maxBytes ? $"{GatewayErrorCodes.MessageTooLarge}: data is {bytes} bytes, over Gateway:MaxMessageBytes ({maxBytes})" : null;
    }

    private async Task DeadLetterAsync(IDatabase database, StreamEntry entry, string id, string reason, long attempts)
    {
        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var written = (long)(await database.ScriptEvaluateAsync(BroadcastScripts.DeadLetter, [BroadcastKeys.Record(id), BroadcastKeys.Stream, BroadcastKeys.Dead],
            [BroadcastKeys.Group, entry.Id, id, reason, attempts, now, broadcastOptions.Value.DeadLetterMaxLength]));
        if (written == 1)
        {
            BroadcastDeliveryLog.DeadLettered(logger, id, attempts, reason);
        }
    }

    /// <summary>How often the group has handed <paramref name="entry"/> out, this claim included.</summary>
    private async Task<long> AttemptsAsync(IDatabase database, StreamEntry entry)
    {
        var pending = await database.StreamPendingMessagesAsync(BroadcastKeys.Stream, BroadcastKeys.Group, 1, _consumer, entry.Id, entry.Id);

        // Acked by another Worker in the meantime: the record's state decides, and one attempt is as good as any.
        return pending.Length == 1 ? pending[0].DeliveryCount : 1;
    }
}
