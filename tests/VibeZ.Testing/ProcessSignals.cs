using System.Diagnostics;
using System.Runtime.InteropServices;

namespace VibeZ.Testing;

/// <summary>
/// Freezes and thaws a process a test started (SIGSTOP / SIGCONT by its id): its sockets stay open and it answers
/// nothing, as a hung host, a long GC pause or a stalled VM would.
/// </summary>
public static class ProcessSignals
{
    // Linux signal numbers (x86-64 and arm64 alike).
    private const int SigTerm = 15;
    private const int SigCont = 18;
    private const int SigStop = 19;

    /// <summary>Sends SIGTERM to <paramref name="process"/>, as an orchestrator stopping it would; <paramref name="what"/> names it in the error.</summary>
    public static void Terminate(Process? process, string what) => Send(IdOf(process), SigTerm, "SIGTERM", what);

    /// <summary>Sends SIGSTOP to <paramref name="process"/>; <paramref name="what"/> names it in the error.</summary>
    public static void Pause(Process? process, string what) => Send(IdOf(process), SigStop, "SIGSTOP", what);

    /// <summary>Sends SIGSTOP to the process with id <paramref name="processId"/> (0: not running); <paramref name="what"/> names it in the error.</summary>
    public static void Pause(int processId, string what) => Send(processId, SigStop, "SIGSTOP", what);

    /// <summary>Sends SIGCONT to <paramref name="process"/>; <paramref name="what"/> names it in the error.</summary>
    public static void Resume(Process? process, string what) => Send(IdOf(process), SigCont, "SIGCONT", what);

    /// <summary>Sends SIGCONT to the process with id <paramref name="processId"/> (0: not running); <paramref name="what"/> names it in the error.</summary>
    public static void Resume(int processId, string what) => Send(processId, SigCont, "SIGCONT", what);

    private static int IdOf(Process? process) => process is { HasExited: false } ? process.Id : 0;

    private static void Send(int processId, int signal, string name, string what)
    {
        if (processId <= 0)
        {
            throw new InvalidOperationException($"Cannot send {name} to {what}: it is not running.");
        }

        // Only a process the caller started, by its id.
        if (Kill(processId, signal) != 0)
        {
            throw new InvalidOperationException($"{name} to {what} (pid {processId}) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
