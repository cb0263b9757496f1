namespace VibeZ.Redis.Diagnostics;

/// <param name="Announced">The endpoint as the multiplexer knows it (configured, or announced by Redis).</param>
/// <param name="Dialed">The address the socket went to after the NAT map.</param>
/// <param name="Connected">Whether the interactive connection is up.</param>
/// <param name="Role"><c>primary</c>, <c>replica</c> or <c>sentinel</c>.</param>
internal sealed record RedisEndpointDiagnostics(string Announced, string Dialed, bool Connected, string Role);
