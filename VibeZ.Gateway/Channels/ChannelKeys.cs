using StackExchange.Redis;

namespace VibeZ.Gateway.Channels;

/// <summary>
/// Every Redis key and channel name of a VibeZ channel, in one place. They share the hash tag <c>{channel}</c>, so in
/// a cluster they live in one slot and one script can touch them all, and the live feed is a sharded channel there.
/// </summary>
internal static class ChannelKeys
{
    private const string Prefix = "vibez:{";

    /// <summary>The hash holding the channel's <c>epoch</c> and <c>offset</c> counter.</summary>
    public static RedisKey Meta(string channel) => Prefix + channel + "}:meta";

    /// <summary>The stream of message frames, entry id <c>offset-0</c>.</summary>
    public static RedisKey History(string channel) => Prefix + channel + "}:history";

    /// <summary>Remembers for the dedupe window which position a message id got.</summary>
    public static RedisKey MessageId(string channel, string id) => Prefix + channel + "}:id:" + id;

    /// <summary>The Redis channel the live feed goes through.</summary>
    public static string Live(string channel) => Prefix + channel + "}:live";

    /// <summary>The live feed as StackExchange.Redis names it: sharded in a cluster, so it stays on the channel's node.</summary>
    public static RedisChannel LiveChannel(string channel, bool sharded) =>
        sharded ? RedisChannel.Sharded(Live(channel)) : RedisChannel.Literal(Live(channel));
}
