using StackExchange.Redis;

namespace VibeZ.Channels.Storage;

/// <summary>
/// Every Redis key and channel name of a VibeZ channel, in one place. They share the hash tag <c>{channel}</c>, so in
/// a cluster they live in one slot and one script can touch them all, and the live feed is a sharded channel there.
/// </summary>
internal static class ChannelKeys
{
    private const string Prefix = "vibez:{";

    /// <summary>The hash holding the channel's current <c>epoch</c>, its <c>offset</c> counter and its <c>committed</c> offset.</summary>
    public static RedisKey Meta(string channel) => Prefix + channel + "}:meta";

    /// <summary>
    /// The start of the name of an epoch's history stream (entry id <c>offset-0</c>, fields <c>i</c> id and <c>f</c>
    /// frame); the epoch completes it. One stream per epoch, so a new epoch leaves the previous one readable.
    /// </summary>
    public static string HistoryPrefix(string channel) => Prefix + channel + "}:h:";

    /// <summary>An epoch's history stream.</summary>
    public static RedisKey History(string channel, string epoch) => HistoryPrefix(channel) + epoch;

    /// <summary>
    /// Remembers for the dedupe window which position a message got, and a hash of its data; one key per
    /// <see cref="Publishing.PublishRequest.Identity"/>, so each publisher's ids are its own.
    /// </summary>
    public static RedisKey MessageId(string channel, string identity) => Prefix + channel + "}:id:" + identity;

    /// <summary>The Redis channel the live feed goes through.</summary>
    public static string Live(string channel) => Prefix + channel + "}:live";

    /// <summary>The live feed as StackExchange.Redis names it: sharded in a cluster, so it stays on the channel's node.</summary>
    public static RedisChannel LiveChannel(string channel, bool sharded) =>
        sharded ? RedisChannel.Sharded(Live(channel)) : RedisChannel.Literal(Live(channel));
}
