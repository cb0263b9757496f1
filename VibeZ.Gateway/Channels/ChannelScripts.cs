namespace VibeZ.Gateway.Channels;

/// <summary>
/// The Lua scripts behind a channel. Each runs atomically on the node that owns the channel's keys, and Redis
/// replicates its effects as one unit, so a counter, its history and its dedupe record never disagree.
/// </summary>
internal static class ChannelScripts
{
    // Shared by both scripts: the channel's position, after starting a new epoch when its history is gone (no meta:
    // never used, or expired while idle) or when its counter is behind an offset this Gateway already acked or
    // delivered in the same epoch (the master lost writes in a failover). A new epoch starts an empty history at 0.
    private const string Position = """
        local meta, history = KEYS[1], KEYS[2]
        local epoch = redis.call('HGET', meta, 'epoch')
        local offset = tonumber(redis.call('HGET', meta, 'offset') or '0')
        local lost = 0
        if (not epoch) or (epoch == ARGV[2] and offset < tonumber(ARGV[3])) then
          if epoch then lost = 1 end
          epoch = ARGV[1]
          offset = 0
          redis.call('DEL', history)
          redis.call('HSET', meta, 'epoch', epoch, 'offset', 0)
          redis.call('PEXPIRE', meta, ARGV[4])
        end
        """;

    /// <summary>
    /// KEYS: meta, history, message id. ARGV: new epoch, known epoch, known offset, channel TTL ms, frame head,
    /// frame tail, history length, dedupe window ms, live channel, "1" to publish sharded.
    /// Returns <c>{epoch, offset, duplicate (0|1), lost (0|1)}</c>.
    /// </summary>
    public const string Publish = Position + """

        local seen = redis.call('GET', KEYS[3])
        if seen then
          local space = string.find(seen, ' ', 1, true)
          if string.sub(seen, 1, space - 1) == epoch then
            -- A write, so that a WAIT after a retried publish also covers the first one.
            redis.call('PEXPIRE', KEYS[3], ARGV[8])
            return {epoch, tonumber(string.sub(seen, space + 1)), 1, lost}
          end
        end
        offset = offset + 1
        local frame = ARGV[5] .. offset .. ',"epoch":"' .. epoch .. '"' .. ARGV[6]
        redis.call('HSET', meta, 'offset', offset)
        redis.call('XADD', history, 'MAXLEN', '~', ARGV[7], offset .. '-0', 'f', frame)
        redis.call('SET', KEYS[3], epoch .. ' ' .. offset, 'PX', ARGV[8])
        redis.call('PEXPIRE', meta, ARGV[4])
        redis.call('PEXPIRE', history, ARGV[4])
        local live = offset .. ' ' .. epoch .. ' ' .. frame
        if ARGV[10] == '1' then
          redis.call('SPUBLISH', ARGV[9], live)
        else
          redis.call('PUBLISH', ARGV[9], live)
        end
        return {epoch, offset, 0, lost}
        """;

    /// <summary>
    /// KEYS: meta, history. ARGV: new epoch, known epoch, known offset, channel TTL ms, first offset, count.
    /// Returns <c>{epoch, offset, lost (0|1), id1, frame1, id2, frame2, …}</c>.
    /// </summary>
    public const string Read = Position + """

        local result = {epoch, offset, lost}
        if tonumber(ARGV[6]) > 0 then
          local entries = redis.call('XRANGE', history, ARGV[5], '+', 'COUNT', ARGV[6])
          for _, entry in ipairs(entries) do
            table.insert(result, entry[1])
            table.insert(result, entry[2][2])
          end
        end
        return result
        """;
}
