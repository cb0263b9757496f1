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

    /// <summary>
    /// Moves due broadcasts from the due index into the stream. KEYS: 1 due index, 2 stream. ARGV: 1 now (Unix ms),
    /// 2 most to move. Returns <c>{moved, next due score or ''}</c>. Removing and adding in one script means two Workers
    /// running it at once never move an id twice, so it needs no lease.
    /// </summary>
    public const string Promote = """
        local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
        for _, id in ipairs(ids) do
          redis.call('ZREM', KEYS[1], id)
          redis.call('XADD', KEYS[2], '*', 'id', id)
        end
        local nextDue = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
        return {#ids, nextDue[2] or ''}
        """;

    /// <summary>
    /// Gives up on a broadcast. KEYS: 1 record, 2 stream, 3 dead-letter stream. ARGV: 1 consumer group, 2 stream entry id,
    /// 3 broadcast id, 4 reason, 5 attempts, 6 now (Unix ms), 7 most entries the dead-letter stream keeps. Returns 1 when it dead-lettered the broadcast, 0 when the entry was no
    /// longer pending (another Worker acked it) or the record is no longer scheduled, in which case it only acks.
    /// </summary>
    /// <remarks>
    /// One script, so a broadcast is never acked without its record saying why, nor dead-lettered twice: the
    /// <c>XACK</c> that succeeds is the one that writes the dead letter. The trim is exact rather than <c>~</c>: dead
    /// letters are rare, so its cost is nothing, and the bound an operator reads is the bound that holds.
    /// </remarks>
    public const string DeadLetter = """
        if redis.call('XACK', KEYS[2], ARGV[1], ARGV[2]) == 0 then return 0 end
        if redis.call('HGET', KEYS[1], 'state') ~= 'scheduled' then return 0 end
        redis.call('HSET', KEYS[1], 'state', 'failed', 'error', ARGV[4], 'failedAt', ARGV[6])
        redis.call('XADD', KEYS[3], 'MAXLEN', ARGV[7], '*', 'id', ARGV[3], 'reason', ARGV[4], 'attempts', ARGV[5])
        return 1
        """;

    /// <summary>
    /// Puts a broadcast whose publish failed for a passing reason (Redis unavailable, no replica in sync) back into the
    /// due index. KEYS: 1 stream, 2 due index. ARGV: 1 consumer group, 2 stream entry id, 3 broadcast id,
    /// 4 when to try again (Unix ms).
    /// Returns 1 when it re-scheduled it, 0 when the entry was no longer pending.
    /// </summary>
    /// <remarks>
    /// The next attempt is a new stream entry with a delivery count of one, so an outage never counts against
    /// <c>Broadcasts:MaxAttempts</c>; only deliveries that ended without an answer (a Worker that died or hung) do.
    /// </remarks>
    public const string Retry = """
        if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
        redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
        return 1
        """;
}
