namespace VibeZ.Bench.Report;

/// <summary>What the numbers were measured on, including how busy the machine was (it may be shared).</summary>
internal sealed record MachineInfo(string Cpu, int Cores, string Memory, string Os, string Runtime, string LoadAverageAtStart, string LoadAverageAtEnd)
{
    public static string LoadAverage() => Read("/proc/loadavg") is { } load ? string.Join(' ', load.Split(' ').Take(3)) : "unknown";

    public static MachineInfo Describe(string loadAtStart)
    {
        var cpu = Read("/proc/cpuinfo")?.Split('\n').FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        var memory = Read("/proc/meminfo")?.Split('\n').FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal)) is { } total
            ? $"{long.Parse(total.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], provider: null) / 1024 / 1024.0:0.#} GiB"
            : "unknown";
        return new MachineInfo(cpu, Environment.ProcessorCount, memory, System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription, loadAtStart, LoadAverage());
    }

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
