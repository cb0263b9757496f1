namespace VibeZ.Bench.Measure;

/// <summary>A process whose CPU and memory the harness samples, and the role it plays (<c>gateway-1</c>, <c>redis</c>, …).</summary>
internal sealed record MonitoredProcess(string Role, int ProcessId);
