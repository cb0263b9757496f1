namespace VibeZ.Channels.Presence;

/// <summary>What a Gateway says about itself in the registry at every heartbeat.</summary>
/// <param name="Node">Its id (<see cref="GatewayNode.Id"/>).</param>
/// <param name="Address">Where it listens, as its server reports it.</param>
/// <param name="Connections">Its open WebSocket connections.</param>
/// <param name="Channels">Channels with local subscribers.</param>
/// <param name="PresenceMembers">Subscriptions with presence it holds.</param>
public sealed record GatewayAnnouncement(string Node, string Address, int Connections, int Channels, int PresenceMembers);
