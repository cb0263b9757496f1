using System.Collections.Concurrent;

namespace VibeZ.Gateway.Tests.Integration.Hostile;

/// <summary>What one hostile behaviour did and what the Gateway answered it with.</summary>
internal sealed class HostileTally(string behaviour)
{
    public int Rounds;

    /// <summary>Bytes of answers read (history pages).</summary>
    public long BytesRead;

    public string Behaviour => behaviour;

    /// <summary>Gets the number of answers of each kind: error codes, other frame types, or HTTP outcomes.</summary>
    public ConcurrentDictionary<string, int> Answers { get; } = new();

    /// <summary>Gets how each round's connection ended: close status and reason.</summary>
    public ConcurrentQueue<string> Closes { get; } = new();

    public void Count(string answer) => Answers.AddOrUpdate(answer, 1, (_, n) => n + 1);

    public override string ToString() =>
        $"{Behaviour}: {Rounds} rounds, {BytesRead / (1024 * 1024)} MiB read, answers [{string.Join(", ", Answers.Select(a => $"{a.Key} ×{a.Value}"))}], " +
        $"closes [{string.Join(", ", Closes.GroupBy(c => c).Select(g => $"{g.Key} ×{g.Count()}"))}]";
}
