namespace VibeZ.Worker.Broadcasts;

/// <summary>How far behind broadcast delivery is, as read from Redis at <paramref name="SampledAt"/>.</summary>
/// <param name="Pending">Stream entries handed to a Worker and not yet acknowledged (<c>XPENDING</c>).</param>
/// <param name="OldestDue">The delivery time of the earliest broadcast still in the due index, or null when it is empty.</param>
/// <param name="Dead">Entries in the dead-letter stream (<c>XLEN</c>).</param>
/// <param name="SampledAt">When it was read.</param>
internal sealed record BroadcastBacklog(long Pending, DateTimeOffset? OldestDue, long Dead, DateTimeOffset SampledAt)
{
    /// <summary>Gets how overdue the earliest scheduled broadcast was: zero when none is scheduled or it is not due yet.</summary>
    public TimeSpan OldestDueAge => OldestDue is { } due && SampledAt > due ? SampledAt - due : TimeSpan.Zero;
}
