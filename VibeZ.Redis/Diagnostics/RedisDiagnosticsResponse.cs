namespace VibeZ.Redis.Diagnostics;

internal sealed record RedisDiagnosticsResponse(string Mode, IReadOnlyList<RedisEndpointDiagnostics> Endpoints);
