using System.Runtime.InteropServices;

namespace VibeZ.Bench.Measure;

/// <summary>Reads a process's CPU time and resident memory from <c>/proc</c> (Linux), cheaply enough to sample often.</summary>
internal static class ProcStat
{
    private const int ScClockTicks = 2;

    private static readonly double TicksPerSecond = ClockTicks();

    /// <summary>Gets the CPU time (user + system) the process used so far, or null when it is gone.</summary>
    public static TimeSpan? CpuTime(int processId)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{processId}/stat");
        }
        catch (IOException)
        {
            return null;
        }

        // The command name (field 2) is in parentheses and may hold spaces: count fields from the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], provider: null) + long.Parse(fields[12], provider: null);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>Gets the resident set size in bytes, or null when the process is gone.</summary>
    public static long? ResidentBytes(int processId)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{processId}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), provider: null) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    /// <summary>Gets the process's open-files limit (soft, hard) from <c>/proc/&lt;pid&gt;/limits</c>, or null when unreadable.</summary>
    public static (long Soft, long Hard)? OpenFilesLimit(int processId)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{processId}/limits"))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    static long Parse(string value) => value == "unlimited" ? long.MaxValue : long.Parse(value, provider: null);
                    return (Parse(fields[0]), Parse(fields[1]));
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    private static double ClockTicks()
    {
        var ticks = OperatingSystem.IsLinux() ? SystemConfiguration(ScClockTicks) : 0;
        return ticks > 0 ? ticks : 100;
    }

    [DllImport("libc", EntryPoint = "sysconf")]
    private static extern long SystemConfiguration(int name);
}
