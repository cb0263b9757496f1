using VibeZ.Gateway.Tests.Guarantees.Observations;
using VibeZ.Testing.Processes;

namespace VibeZ.Gateway.Tests.Guarantees;

/// <summary>
/// Keeps what a run found under <c>artifacts/fault-suite/</c>: its table row and violations (<c>NAME.md</c>, the source
/// of <c>docs/failover.md</c>'s table) and every observation (<c>NAME.history.txt</c>, to debug a violation).
/// </summary>
internal static class RunArtifacts
{
    public static async Task WriteAsync(string name, string tableRow, string summary, History history)
    {
        await File.WriteAllTextAsync(PathOf(name) + ".md", $"{tableRow}\n\n{summary}\n", TestContext.Current.CancellationToken);
        await WriteHistoryAsync(name, history);
    }

    /// <summary>Writes every observation so far, also for a run that failed before it could be checked.</summary>
    public static async Task WriteHistoryAsync(string name, History history) =>
        await File.WriteAllLinesAsync(PathOf(name) + ".history.txt", history.Snapshot().Select(o => o.ToString()), CancellationToken.None);

    private static string PathOf(string name) =>
        Path.Combine(Directory.CreateDirectory(Path.Combine(ServiceProcess.RepositoryDirectory, "artifacts", "fault-suite")).FullName, name);
}
