using StackExchange.Redis;

namespace VibeZ.Channels.Broadcasts;

/// <summary>
/// The Redis keys of scheduled broadcasts. They share one hash tag, so in cluster mode every key lives in one slot and
/// one script can store a broadcast and index it atomically: nothing is ever half-stored. They start with <c>vibez:</c>,
/// the only keys the services' least-privilege ACL user may touch, and not with <c>vibez:{</c>, which is a channel's.
/// </summary>
internal static class BroadcastKeys
{
    private const string Prefix = "vibez:broadcasts:{all}:";

    /// <summary>The due index: a sorted set of broadcast ids scored by their delivery time in Unix milliseconds.</summary>
    public static RedisKey Due { get; } = Prefix + "due";

    /// <summary>The stream of due broadcasts that Workers consume with the <see cref="Group"/> consumer group.</summary>
    public static RedisKey Stream { get; } = Prefix + "stream";

    /// <summary>
    /// The dead letters: one entry <c>id</c>, <c>reason</c>, <c>attempts</c> per broadcast that was delivered too many
    /// times or can never be published. Nothing consumes it; it is there for an operator to read.
    /// </summary>
    public static RedisKey Dead { get; } = Prefix + "dead";

    /// <summary>The consumer group of the Workers on <see cref="Stream"/>.</summary>
    public const string Group = "workers";

    /// <summary>
    /// The pub/sub channel on which the Gateway announces each newly stored broadcast (its <c>deliverAt</c> in Unix ms), so
    /// an idle Worker wakes at once instead of polling. At most once: Workers also look every second.
    /// </summary>
    public static RedisChannel Nudge { get; } = RedisChannel.Literal("vibez:broadcasts:nudge");

    /// <summary>The record of one broadcast: a hash with its channel, data, delivery time and state.</summary>
    public static RedisKey Record(string id) => Prefix + "b:" + id;
}
