namespace VibeZ.Channels.Publishing;

/// <summary>When the Gateway acks a publish (<c>Gateway:Durability</c>).</summary>
public enum GatewayDurability
{
    /// <summary>
    /// After the channel's master and one replica have the message (<c>WAIT 1</c>): an acked message survives a
    /// failover. Costs one replication round trip per batch of publishes. The default; a single server has no replica
    /// and acks as <see cref="Leader"/> does.
    /// </summary>
    Replicated,

    /// <summary>
    /// As soon as the master has the message: faster, but a failover right after can lose acked messages (subscribers
    /// then see a new epoch, never a silent gap).
    /// </summary>
    Leader,
}
