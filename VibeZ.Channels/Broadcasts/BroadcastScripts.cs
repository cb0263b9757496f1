namespace VibeZ.Channels.Broadcasts;

/// <summary>
/// The Lua scripts of broadcasts. A script runs whole and replicates as one unit, so a record and its place in the due
/// index are stored together or not at all.
/// </summary>
internal static class BroadcastScripts
{
    /// <summary>
    /// Stores a broadcast unless its id is taken. KEYS: 1 record, 2 due index. ARGV: 1 id, 2 channel, 3 data,
    /// 4 delivery time (Unix ms), 5 creation time (Unix ms). Returns <c>{status, delivery time, replid}</c>: status 0
    /// stored, 1 the same broadcast was stored before (a retry), 2 the id holds another broadcast.
    /// </summary>
    /// <remarks>
    /// A retry compares channel and data only: a retried <c>delayMs</c> computes another time, and the first one stands.
    /// </remarks>
    public const string Schedule = """
        local replid = string.match(redis.call('INFO', 'replication'), 'master_replid:(%w+)')
        local existing = redis.call('HMGET', KEYS[1], 'channel', 'data', 'deliverAt')
        if existing[1] then
          local status = 2
          if existing[1] == ARGV[2] and existing[2] == ARGV[3] then status = 1 end
          return {status, existing[3], replid}
        end
        redis.call('HSET', KEYS[1], 'channel', ARGV[2], 'data', ARGV[3], 'deliverAt', ARGV[4], 'state', 'scheduled', 'createdAt', ARGV[5])
        redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
        return {0, ARGV[4], replid}
        """;
}
