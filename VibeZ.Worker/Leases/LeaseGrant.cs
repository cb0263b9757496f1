namespace VibeZ.Worker.Leases;

/// <summary>
/// A lease this process holds. <paramref name="Fence"/> grows by one with every grant of the same lease, so a resource that
/// remembers the highest fence it has seen can refuse a late write from a holder that lost the lease while paused.
/// </summary>
/// <param name="Token">Random per grant; only its owner can renew or release the lease.</param>
/// <param name="Fence">The fencing counter at the time of the grant.</param>
internal readonly record struct LeaseGrant(string Token, long Fence);
