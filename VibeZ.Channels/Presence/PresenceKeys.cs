using StackExchange.Redis;

namespace VibeZ.Channels.Presence;

/// <summary>
/// Every Redis key and channel name of presence and the Gateway registry, in one place. A channel's presence shares the
/// channel's hash tag, so in a cluster it lives on the channel's node and its events are a sharded channel there; the
/// registry's keys share <c>{all}</c>, so one script touches the node's hash and the index together.
/// </summary>
internal static class PresenceKeys
{
    private const string RegistryPrefix = "vibez:gateways:{all}:";

    /// <summary>The sorted set of a channel's present members (<see cref="PresenceMember"/>), each scored by when it expires (Unix ms).</summary>
    public static RedisKey Members(string channel) => "vibez:{" + channel + "}:presence";

    /// <summary>The Redis channel a channel's <c>join</c> and <c>leave</c> frames go through.</summary>
    public static string Events(string channel) => "vibez:{" + channel + "}:presence:live";

    /// <summary>The events as StackExchange.Redis names them: sharded in a cluster, so they stay on the channel's node.</summary>
    public static RedisChannel EventsChannel(string channel, bool sharded) =>
        sharded ? RedisChannel.Sharded(Events(channel)) : RedisChannel.Literal(Events(channel));

    /// <summary>The start of a Gateway's registry hash; the node id completes it.</summary>
    public static string NodePrefix => RegistryPrefix + "n:";

    /// <summary>A Gateway's registry hash: <c>address</c>, <c>connections</c>, <c>channels</c>, <c>presence</c>, <c>seen</c>; it expires with the Gateway's TTL.</summary>
    public static RedisKey Node(string node) => NodePrefix + node;

    /// <summary>The registry's index: every Gateway's node id, scored by when its entry expires (Unix ms).</summary>
    public static RedisKey Index => RegistryPrefix + "index";
}
