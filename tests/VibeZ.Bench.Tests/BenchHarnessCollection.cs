namespace VibeZ.Bench.Tests;

/// <summary>
/// The smoke runs call the harness in this process, one after another: its live progress display (Spectre.Console) is
/// one per process and throws when a second one starts, and four topologies at once would also just slow each other down.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BenchHarnessCollection
{
    public const string Name = "bench harness";
}
