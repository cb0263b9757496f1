namespace VibeZ.Channels.Storage;

/// <summary>
/// The Lua scripts behind a channel. Each runs atomically on the node that owns the channel's keys, and Redis
/// replicates its effects as one unit, so a counter, its history and its dedupe records never disagree.
/// </summary>
/// <remarks>
/// A message becomes visible in two steps. <see cref="Append"/> gives it the next offset and stores it, but nobody
/// sees it yet; once a replica has confirmed the append, <see cref="Commit"/> raises the channel's committed offset
/// over it and announces it on the live feed. Readers only ever see committed messages, so nothing a subscriber got
/// can be lost by a failover that promotes the replica, and the promoted replica never hands its offset out again.
/// Scripts return the node's replication id, which names this node's history: the Gateway confirms a write with a
/// replica that follows exactly that history.
/// </remarks>
internal static class ChannelScripts
{
    // Shared helpers: a length-prefixed field for the live feed (see LiveCommit), the node's replication id, and the
    // announcement of a commit, in one live message (or only the new committed offset when the range is longer than a
    // live message may be, and readers then catch up from history). Beside its commands, a script costs Redis mostly
    // its redis.call round trips, pattern matches and numbers turned into strings (a sprintf of a double each, about
    // 2,500 instructions), so the scripts read the meta hash once, find the replication id as plain text, and carry
    // offsets as the strings the meta hash and the stream ids hold (integers, as Redis and these scripts write them).
    private const string Helpers = """
        local function field(s) return #s .. ':' .. s end
        local function replid()
          local info = redis.call('INFO', 'replication')
          local at = string.find(info, 'master_replid:', 1, true)
          if at then return string.match(info, '^%w+', at + 14) end
        end
        local function announce(history, epoch, committed, upTo, live, sharded, maxLive)
          local previousId = ''
          local parts = {}
          if tonumber(upTo) - tonumber(committed) <= maxLive then
            for _, entry in ipairs(redis.call('XRANGE', history, committed .. '-0', upTo .. '-0')) do
              -- Entry ids are "<offset>-0".
              local offset = string.sub(entry[1], 1, -3)
              if offset == committed then
                previousId = entry[2][2]
              else
                parts[#parts + 1] = field(offset) .. field(entry[2][2]) .. field(entry[2][4])
              end
            end
          end
          local payload = field(epoch) .. field(upTo) .. field(committed) .. field(previousId) .. table.concat(parts)
          if sharded == '1' then redis.call('SPUBLISH', live, payload) else redis.call('PUBLISH', live, payload) end
        end
        """;

    /// <summary>
    /// Appends a batch of messages in order. KEYS: meta, then one message-id key per message (per publisher scope and
    /// id). ARGV: 1 new epoch, 2 known epoch, 3 known offset, 4 known identity, 5 channel TTL ms, 6 history length, 7 dedupe
    /// window ms, 8 history key prefix, 9 frame head, 10 commit at once ("1": Leader durability or a single server),
    /// 11 live channel, 12 "1" to publish sharded, 13 most messages per live message; then per message: identity
    /// (<see cref="Publishing.PublishRequest.Identity"/>, stored as the entry's <c>i</c>), data hash, frame tail.
    /// </summary>
    /// <remarks>
    /// A new epoch starts when the channel has no history, or when it rolled back past what the caller knows (same
    /// epoch, but the counter is behind the known offset or the message there has another id): the offsets the caller
    /// saw were lost in a failover, and handing them out again would name two messages. The old epoch's stream is
    /// left to expire, never deleted. A known id seen in the current epoch is a duplicate (its first position is
    /// returned, and it is committed like a new message); a known id with other data is a conflict.
    /// Returns <c>{epoch, replid, rolled back (0|1), committed, offset1, status1, …}</c>, status 0 new, 1 duplicate,
    /// 2 conflict (offset 0). An append that commits at once returns '' for the replid: nothing confirms it with a
    /// replica, and <c>INFO replication</c> was the most expensive command of the script.
    /// </remarks>
    public const string Append = Helpers + """

        local meta = KEYS[1]
        local state = redis.call('HMGET', meta, 'epoch', 'offset', 'committed')
        local epoch = state[1]
        local offsetText = state[2] or '0'
        local offset = tonumber(offsetText)
        local committedText = state[3] or '0'
        local rolledBack = 0
        local knownOffset = tonumber(ARGV[3])
        if epoch and epoch == ARGV[2] and knownOffset > 0 then
          if offset < knownOffset then
            rolledBack = 1
          elseif ARGV[4] ~= '' then
            local known = ARGV[3] .. '-0'
            local entry = redis.call('XRANGE', ARGV[8] .. epoch, known, known)
            if #entry == 1 and entry[1][2][2] ~= ARGV[4] then rolledBack = 1 end
          end
        end
        local started = (not epoch) or rolledBack == 1
        if started then
          epoch = ARGV[1]
          offsetText, offset, committedText = '0', 0, '0'
        end
        local committed = tonumber(committedText)
        local history = ARGV[8] .. epoch
        local head, epochField = ARGV[9], ',"epoch":"' .. epoch .. '"'
        local result = {epoch, ARGV[10] == '1' and '' or replid(), rolledBack, 0}
        local last, lastText = 0, '0'
        for j = 1, #KEYS - 1 do
          local id, hash, tail = ARGV[11 + 3 * j], ARGV[12 + 3 * j], ARGV[13 + 3 * j]
          local seen = redis.call('GET', KEYS[1 + j])
          local seenEpoch, seenOffset, seenHash
          if seen then seenEpoch, seenOffset, seenHash = string.match(seen, '^(%S+) (%d+) (%S+)$') end
          if seen and seenHash ~= hash then
            result[#result + 1] = 0
            result[#result + 1] = 2
          elseif seen and seenEpoch == epoch then
            local position = tonumber(seenOffset)
            result[#result + 1] = position
            result[#result + 1] = 1
            if position > last then last, lastText = position, seenOffset end
          else
            offset = offset + 1
            offsetText = tostring(offset)
            redis.call('XADD', history, 'MAXLEN', '~', ARGV[6], offsetText .. '-0', 'i', id, 'f', head .. offsetText .. epochField .. tail)
            redis.call('SET', KEYS[1 + j], epoch .. ' ' .. offsetText .. ' ' .. hash, 'PX', ARGV[7])
            result[#result + 1] = offset
            result[#result + 1] = 0
            last, lastText = offset, offsetText
          end
        end
        -- Committing at once raises the committed offset over the batch (never past the counter) in the same HSET.
        local upTo, upToText = committed, committedText
        if ARGV[10] == '1' and last > committed then upTo, upToText = last, lastText end
        if started then
          redis.call('HSET', meta, 'epoch', epoch, 'offset', offsetText, 'committed', upToText)
        elseif upTo > committed then
          redis.call('HSET', meta, 'offset', offsetText, 'committed', upToText)
        else
          redis.call('HSET', meta, 'offset', offsetText)
        end
        redis.call('PEXPIRE', meta, ARGV[5])
        redis.call('PEXPIRE', history, ARGV[5])
        if upTo > committed then
          announce(history, epoch, committedText, upToText, ARGV[11], ARGV[12], tonumber(ARGV[13]))
        end
        result[4] = upTo
        return result
        """;

    /// <summary>
    /// Commits what a replica has confirmed. KEYS: meta. ARGV: 1 epoch, 2 offset to commit up to (-1: everything
    /// appended), 3 history key prefix, 4 live channel, 5 "1" to publish sharded, 6 most messages per live message,
    /// 7 "1" when the caller confirms the commit with a replica and needs the replid.
    /// Returns <c>{committed, replid or ''}</c>, or <c>{-1, replid or ''}</c> when the channel is in another epoch by now.
    /// </summary>
    public const string Commit = Helpers + """

        local meta = KEYS[1]
        local state = redis.call('HMGET', meta, 'epoch', 'offset', 'committed')
        local function askedReplid() if ARGV[7] == '1' then return replid() end return '' end
        if state[1] ~= ARGV[1] then return {-1, askedReplid()} end
        local appendedText = state[2] or '0'
        local committedText = state[3] or '0'
        local committed = tonumber(committedText)
        local upToText = ARGV[2]
        local upTo = tonumber(upToText)
        if upTo < 0 or upTo > tonumber(appendedText) then upToText = appendedText upTo = tonumber(upToText) end
        if upTo <= committed then return {committed, askedReplid()} end
        redis.call('HSET', meta, 'committed', upToText)
        announce(ARGV[3] .. ARGV[1], ARGV[1], committedText, upToText, ARGV[4], ARGV[5], tonumber(ARGV[6]))
        return {upTo, askedReplid()}
        """;

    /// <summary>
    /// Starts a new epoch after a reader found the channel rolled back. KEYS: meta. ARGV: 1 the rolled-back epoch,
    /// 2 the new epoch, 3 channel TTL ms. Only replaces the epoch it was asked about, so Gateways that notice the same
    /// rollback at once agree on one new epoch. Returns <c>{current epoch}</c>.
    /// </summary>
    public const string RestartEpoch = """
        local meta = KEYS[1]
        if redis.call('HGET', meta, 'epoch') == ARGV[1] then
          redis.call('HSET', meta, 'epoch', ARGV[2], 'offset', 0, 'committed', 0)
          redis.call('PEXPIRE', meta, ARGV[3])
          return {ARGV[2]}
        end
        return {redis.call('HGET', meta, 'epoch') or ''}
        """;

    /// <summary>
    /// Reads a channel's position where it is authoritative: the flags make Redis refuse the script on a replica
    /// (READONLY) and on a master that takes no writes for want of a replica (NOREPLICAS), as it would a write, while
    /// it reads nothing but the position. A crashed master restarted empty, or a lagging replica, cannot answer it.
    /// KEYS: meta, the expected epoch's history. ARGV: 1 expected epoch, 2 offset whose message id to return (0: none).
    /// Returns <c>{epoch or '', offset counter, committed, id at the offset or ''}</c>.
    /// </summary>
    public const string Inspect = """
        #!lua flags=allow-oom
        local values = redis.call('HMGET', KEYS[1], 'epoch', 'offset', 'committed')
        local epoch = values[1] or ''
        local id = ''
        local offset = tonumber(ARGV[2])
        if epoch == ARGV[1] and offset > 0 then
          local entry = redis.call('XRANGE', KEYS[2], offset .. '-0', offset .. '-0')
          if #entry == 1 then id = entry[1][2][2] end
        end
        return {epoch, tonumber(values[2] or '0'), tonumber(values[3] or '0'), id}
        """;
}
