using System.Net;

namespace VibeZ.Channels.Publishing;

/// <summary>Where a write ran: the node, and the replication id that names the history the write joined there.</summary>
/// <param name="Server">The master the write ran on.</param>
/// <param name="ReplicationId">That master's replication id when the write ran.</param>
internal readonly record struct ReplicationTicket(EndPoint Server, string ReplicationId);
