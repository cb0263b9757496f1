namespace VibeZ.ServiceDefaults.Redis;

internal sealed record RedisDiagnosticsResponse(string Mode, IReadOnlyList<RedisEndpointDiagnostics> Endpoints);
