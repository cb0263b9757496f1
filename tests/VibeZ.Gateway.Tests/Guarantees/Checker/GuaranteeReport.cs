using System.Text;

namespace VibeZ.Gateway.Tests.Guarantees.Checker;

/// <summary>What <see cref="GuaranteeChecker"/> found in one run: the figures of the fault table and every violation.</summary>
public sealed class GuaranteeReport
{
    /// <summary>Gets the distinct messages sent (probes of dedupe not counted).</summary>
    public required int Sent { get; init; }

    /// <summary>Gets the distinct messages acked at least once.</summary>
    public required int Acked { get; init; }

    /// <summary>Gets the distinct messages delivered to at least one subscriber.</summary>
    public required int Delivered { get; init; }

    /// <summary>Gets the acked messages that some subscriber entitled to them never got, without a <c>recovered:false</c> that covers them.</summary>
    public required int AckedButLost { get; init; }

    /// <summary>Gets the deliveries of an id (or a position) a subscriber had already received.</summary>
    public required int Duplicates { get; init; }

    /// <summary>Gets the deliveries whose offset went back within an epoch, and the acks of one connection out of send order (G6).</summary>
    public required int Reorders { get; init; }

    /// <summary>Gets the positions that name more than one message (G1).</summary>
    public required int ReusedOffsets { get; init; }

    /// <summary>Gets the gaps no <c>recovered:false</c> announced (G4).</summary>
    public required int SilentGaps { get; init; }

    /// <summary>Gets the <c>subscribed</c> frames with <c>recovered:false</c>.</summary>
    public required int SignalledLosses { get; init; }

    /// <summary>Gets the error answers and unanswered publishes clients saw.</summary>
    public required int Errors { get; init; }

    /// <summary>Gets the time from the first disruptive fault step to the first ack of a publish sent after it, if there was one.</summary>
    public required TimeSpan? FaultToFirstAck { get; init; }

    public required IReadOnlyList<Violation> Violations { get; init; }

    /// <summary>The header of the markdown table <see cref="TableRow"/> writes rows of.</summary>
    public const string TableHeader =
        "| fault | mode | sent | acked | delivered | acked-but-lost | duplicates | reorders | reused offsets | silent gaps | signalled losses | errors | fault→first ack | violated |\n" +
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|";

    /// <summary>One markdown table row of the figures, with the guarantees violated and how often.</summary>
    public string TableRow(string fault, string mode) =>
        $"| {fault} | {mode} | {Sent} | {Acked} | {Delivered} | {AckedButLost} | {Duplicates} | {Reorders} | {ReusedOffsets} | {SilentGaps} | {SignalledLosses} | {Errors} | " +
        $"{(FaultToFirstAck is { } t ? $"{t.TotalSeconds:0.0} s" : "—")} | {ViolatedSummary} |";

    /// <summary>Gets the violated guarantees with counts, like <c>G1×5, G2×5</c>, or "none".</summary>
    public string ViolatedSummary => Violations.Count == 0
        ? "none"
        : string.Join(", ", Violations.GroupBy(v => v.Guarantee).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}×{g.Count()}"));

    /// <summary>The figures and the violations, the first <paramref name="perGuarantee"/> of each guarantee in full.</summary>
    public string Describe(int perGuarantee = 15)
    {
        var text = new StringBuilder();
        text.AppendLine(
            $"sent {Sent}, acked {Acked}, delivered {Delivered}, acked-but-lost {AckedButLost}, duplicates {Duplicates}, reorders {Reorders}, " +
            $"reused offsets {ReusedOffsets}, silent gaps {SilentGaps}, signalled losses {SignalledLosses}, errors {Errors}, " +
            $"fault→first ack {(FaultToFirstAck is { } t ? $"{t.TotalMilliseconds:0} ms" : "none")}; violations: {ViolatedSummary}");
        foreach (var group in Violations.GroupBy(v => v.Guarantee).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            foreach (var violation in group.Take(perGuarantee))
            {
                text.Append("  ").AppendLine(violation.ToString());
            }

            if (group.Count() > perGuarantee)
            {
                text.AppendLine($"  … and {group.Count() - perGuarantee} more {group.Key} violations");
            }
        }

        return text.ToString();
    }
}
