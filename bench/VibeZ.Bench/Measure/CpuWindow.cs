namespace VibeZ.Bench.Measure;

/// <summary>CPU use of a set of processes between two moments, as percent of one core (200 is both cores of two).</summary>
internal sealed class CpuWindow
{
    private readonly IReadOnlyList<MonitoredProcess> _processes;
    private readonly TimeSpan?[] _start;
    private readonly long _startTimestamp;

    private CpuWindow(IReadOnlyList<MonitoredProcess> processes)
    {
        _processes = processes;
        _start = [.. processes.Select(p => ProcStat.CpuTime(p.ProcessId))];
        _startTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
    }

    /// <summary>Starts measuring <paramref name="processes"/> and this process (as <c>loadgen</c>).</summary>
    public static CpuWindow Start(IEnumerable<MonitoredProcess> processes) =>
        new([.. processes, new MonitoredProcess("loadgen", Environment.ProcessId)]);

    /// <summary>Gets each role's CPU percent since the start; roles that share a name (sentinels) are added up.</summary>
    public Dictionary<string, double> Stop()
    {
        var wall = System.Diagnostics.Stopwatch.GetElapsedTime(_startTimestamp);
        var result = new Dictionary<string, double>();
        for (var i = 0; i < _processes.Count; i++)
        {
            if (_start[i] is { } start && ProcStat.CpuTime(_processes[i].ProcessId) is { } end)
            {
                var percent = (end - start) / wall * 100;
                result[_processes[i].Role] = Math.Round(result.GetValueOrDefault(_processes[i].Role) + percent, 1);
            }
        }

        return result;
    }
}
