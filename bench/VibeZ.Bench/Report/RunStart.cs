namespace VibeZ.Bench.Report;

/// <summary>
/// When a run started and how busy the machine was then: what every scenario's summary.json says in <c>machine</c>,
/// <c>startedAt</c> and <c>durationSeconds</c>.
/// </summary>
internal sealed record RunStart(DateTimeOffset StartedAt, string LoadAtStart)
{
    public static RunStart Now() => new(DateTimeOffset.UtcNow, MachineInfo.LoadAverage());

    /// <summary>Describes the machine, with the load average now as the one at the end.</summary>
    public MachineInfo Machine() => MachineInfo.Describe(LoadAtStart);

    /// <summary>Gets the whole seconds since the run started.</summary>
    public double DurationSeconds() => Math.Round((DateTimeOffset.UtcNow - StartedAt).TotalSeconds);
}
