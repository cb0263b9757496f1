using StackExchange.Redis;

namespace VibeZ.Worker.Leases;

/// <summary>
/// A named lease in Redis for work that must run once across Worker replicas (the canary, registry cleanup).
/// The lease key holds the holder's token with a TTL (<c>SET NX PX</c>); a second key counts grants and gives the fence.
/// </summary>
/// <remarks>
/// A holder that dies stops renewing, so the key expires after at most <see cref="TimeToLive"/>; a contender retrying every
/// <c>r</c> takes over within <c>TimeToLive + r</c>. Acquire, renew and release are scripts so that "check the token, then act"
/// is one step: a holder whose key already expired must never extend or delete the next holder's lease.
/// </remarks>
internal sealed class RedisLease(IConnectionMultiplexer redis, string name, TimeSpan timeToLive, string holder = "")
{
    // SET NX and INCR in one script: a grant without its fence (or a fence without a grant) would let two holders share a number.
    private const string AcquireScript = """
        if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
          return redis.call('INCR', KEYS[2])
        end
        return 0
        """;

    private const string RenewScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return 0
        """;

    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;

    // The fence key shares the lease key's hash tag so both land in one cluster slot, as a script needs.
    private readonly RedisKey _leaseKey = $"vibez:lease:{{{name}}}";
    private readonly RedisKey _fenceKey = $"vibez:lease:{{{name}}}:fence";

    /// <summary>Gets the Redis key holding the current holder's token.</summary>
    public RedisKey Key => _leaseKey;

    /// <summary>Gets how long a grant lasts without renewal.</summary>
    public TimeSpan TimeToLive { get; } = timeToLive;

    /// <summary>Takes the lease if nobody holds it.</summary>
    /// <returns>The grant, or <see langword="null"/> when another holder has it.</returns>
    public async Task<LeaseGrant?> TryAcquireAsync()
    {
        // The holder goes first so an operator (or a test) can tell from the key which process holds the lease.
        var token = $"{holder}:{Guid.NewGuid():N}";
        var fence = (long)await redis.GetDatabase().ScriptEvaluateAsync(
            AcquireScript, [_leaseKey, _fenceKey], [token, (long)TimeToLive.TotalMilliseconds]);
        return fence == 0 ? null : new LeaseGrant(token, fence);
    }

    /// <summary>Extends the lease by <see cref="TimeToLive"/> from now.</summary>
    /// <returns><see langword="false"/> when the lease is no longer ours: stop the guarded work at once.</returns>
    public async Task<bool> RenewAsync(LeaseGrant grant) =>
        (long)await redis.GetDatabase().ScriptEvaluateAsync(
            RenewScript, [_leaseKey], [grant.Token, (long)TimeToLive.TotalMilliseconds]) == 1;

    /// <summary>Gives the lease up so a contender need not wait for the TTL (clean shutdown).</summary>
    /// <returns><see langword="false"/> when it had already passed to someone else.</returns>
    public async Task<bool> ReleaseAsync(LeaseGrant grant) =>
        (long)await redis.GetDatabase().ScriptEvaluateAsync(ReleaseScript, [_leaseKey], [grant.Token]) == 1;
}
