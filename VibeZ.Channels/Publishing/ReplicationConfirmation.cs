namespace VibeZ.Channels.Publishing;

/// <summary>What a replica said about a write.</summary>
internal enum ReplicationConfirmation
{
    /// <summary>A replica that follows the write's history has it.</summary>
    Confirmed,

    /// <summary>No replica confirmed it in time; it is still on the master, and may be confirmed later.</summary>
    NotConfirmed,

    /// <summary>The node is no longer the master of that history (a failover, a restart): the write may be lost, send it again.</summary>
    Moved,
}
