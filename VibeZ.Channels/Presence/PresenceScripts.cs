namespace VibeZ.Channels.Presence;

/// <summary>
/// The presence and registry scripts. Each is one step on one node, so a member is never stored without its event
/// being announced, nor announced without being stored. Frames are written here from the member itself
/// (<see cref="PresenceMember"/>), so a Gateway forwards them as they are.
/// </summary>
internal static class PresenceScripts
{
    // KEYS[1] = members. ARGV: 1 channel name, 2 events channel, 3 sharded ('1'/'0').
    private const string Frame = """
        local function frame(kind, member)
          local client = string.match(member, '^%S+ %S+ (.*)$')
          return '{"type":"' .. kind .. '","channel":"' .. ARGV[1] .. '","client":' .. client .. '}'
        end
        local publish = ARGV[3] == '1' and 'SPUBLISH' or 'PUBLISH'

        """;

    /// <summary>ARGV 4 member, 5 expiry (Unix ms), 6 TTL (ms). Adds the member and announces <c>join</c> if it is new; returns 1 if it was.</summary>
    public const string Join = Frame + """
        local added = redis.call('ZADD', KEYS[1], ARGV[5], ARGV[4])
        redis.call('PEXPIRE', KEYS[1], ARGV[6])
        if added == 1 then
          redis.call(publish, ARGV[2], frame('join', ARGV[4]))
        end
        return added
        """;

    /// <summary>
    /// ARGV 4 member. Removes the member and announces <c>leave</c> if it was there; returns 1 if it was. The last member
    /// out takes the key with it: Redis deletes an empty sorted set.
    /// </summary>
    public const string Leave = Frame + """
        local removed = redis.call('ZREM', KEYS[1], ARGV[4])
        if removed == 1 then
          redis.call(publish, ARGV[2], frame('leave', ARGV[4]))
        end
        return removed
        """;

    /// <summary>
    /// ARGV 4 now (Unix ms), 5 expiry (Unix ms), 6 TTL (ms), 7… this Gateway's members. Removes members whose expiry
    /// passed (a Gateway that died) announcing <c>leave</c>, then refreshes this Gateway's members, announcing
    /// <c>join</c> for any Redis had lost (a failover, a write refused for want of a replica). Returns how many expired.
    /// </summary>
    public const string Heartbeat = Frame + """
        local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[4])
        for _, member in ipairs(expired) do
          redis.call('ZREM', KEYS[1], member)
          redis.call(publish, ARGV[2], frame('leave', member))
        end
        for i = 7, #ARGV do
          if redis.call('ZADD', KEYS[1], ARGV[5], ARGV[i]) == 1 then
            redis.call(publish, ARGV[2], frame('join', ARGV[i]))
          end
        end
        if #ARGV >= 7 then
          redis.call('PEXPIRE', KEYS[1], ARGV[6])
        end
        return #expired
        """;

    /// <summary>
    /// KEYS[1] = the node's hash, KEYS[2] = the index. ARGV: 1 node id, 2 address, 3 connections, 4 channels,
    /// 5 presence members, 6 now (Unix ms), 7 TTL (ms), 8 expiry (Unix ms).
    /// </summary>
    public const string Announce = """
        redis.call('HSET', KEYS[1], 'address', ARGV[2], 'connections', ARGV[3], 'channels', ARGV[4], 'presence', ARGV[5], 'seen', ARGV[6])
        redis.call('PEXPIRE', KEYS[1], ARGV[7])
        redis.call('ZADD', KEYS[2], ARGV[8], ARGV[1])
        return 1
        """;

    /// <summary>KEYS[1] = the node's hash, KEYS[2] = the index. ARGV 1 node id. A Gateway that stops cleanly leaves at once.</summary>
    public const string Withdraw = """
        redis.call('DEL', KEYS[1])
        return redis.call('ZREM', KEYS[2], ARGV[1])
        """;

    /// <summary>
    /// KEYS[1] = the index. ARGV: 1 now (Unix ms), 2 the node hashes' prefix, 3 the most to remove. Removes Gateways whose
    /// entry expired, and their hashes (already gone by their own TTL, unless a heartbeat raced); returns
    /// <c>{alive, {removed ids}}</c>, alive being the Gateways whose entry has not expired.
    /// The hashes share the index's hash tag, so in a cluster they are on this node.
    /// </summary>
    public const string RemoveDead = """
        local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
        for _, node in ipairs(dead) do
          redis.call('ZREM', KEYS[1], node)
          redis.call('DEL', ARGV[2] .. node)
        end
        return {redis.call('ZCOUNT', KEYS[1], ARGV[1], '+inf'), dead}
        """;
}
