namespace VibeZ.Channels.Presence;

/// <summary>What one registry cleanup did (<see cref="IPresenceStore.RemoveDeadGatewaysAsync"/>).</summary>
/// <param name="Removed">The node ids of the dead Gateways it removed from the index.</param>
/// <param name="Alive">Gateways whose entry had not expired, counted in the same script.</param>
public sealed record RegistrySweep(IReadOnlyList<string> Removed, long Alive);
