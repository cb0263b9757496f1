using System.ComponentModel;
using System.Diagnostics;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>How a program the AppHost ran ended, and what it printed.</summary>
/// <param name="ExitCode">The exit code; -1 when the program is missing or did not finish in time.</param>
/// <param name="Output">What it wrote to standard output, trimmed.</param>
/// <param name="Error">What it wrote to standard error, trimmed, or why it could not run.</param>
internal sealed record ProgramRun(int ExitCode, string Output, string Error)
{
    /// <summary>The longest a probe of the machine may take before it counts as a no.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>Gets whether the program exited with 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>Gets what the program said, for a message: its error output, else its output.</summary>
    public string Said => Error.Length > 0 ? Error : Output;

    /// <summary>Runs a program and waits for it, at most <see cref="Timeout"/>; a missing program is a failed run.</summary>
    public static ProgramRun Start(string fileName, string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(fileName, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start);
            if (process is null)
            {
                return new(-1, "", $"{fileName} did not start");
            }

            // Read both pipes at once so a chatty program cannot block on a full buffer.
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                return new(-1, "", $"{fileName} {string.Join(' ', arguments)} did not finish within {Timeout.TotalSeconds:0} s");
            }

            return new(process.ExitCode, output.Result.Trim(), error.Result.Trim());
        }
        catch (Win32Exception ex)
        {
            return new(-1, "", $"{fileName}: {ex.Message}");
        }
    }
}
