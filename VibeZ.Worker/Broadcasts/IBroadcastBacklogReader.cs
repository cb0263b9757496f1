namespace VibeZ.Worker.Broadcasts;

/// <summary>Reads the broadcast backlog; the seam that lets the lag be tested without Redis.</summary>
internal interface IBroadcastBacklogReader
{
    /// <summary>Reads pending entries, the earliest due broadcast and the dead-letter count.</summary>
    Task<BroadcastBacklog> ReadAsync(CancellationToken cancellationToken);
}
