namespace VibeZ.Gateway.Tests.Guarantees.Checker;

/// <summary>What a run's fault lets the checker demand beyond what every run must keep (G1, G3–G8).</summary>
/// <param name="SingleFault">
/// One fault, with an in-sync replica left: G2 applies, so no acked message may go missing and no subscriber may see
/// <c>recovered:false</c>. False for two overlapping faults, or a fault that destroys every copy of the data.
/// </param>
/// <param name="ErrorsAllowed">False when the fault promises that no client sees an error, an unanswered publish or a dropped connection.</param>
public sealed record Expectations(bool SingleFault, bool ErrorsAllowed)
{
    /// <summary>One fault that may cost clients retryable errors but no acked message.</summary>
    public static Expectations OneFault { get; } = new(SingleFault: true, ErrorsAllowed: true);

    /// <summary>Faults after which a signalled loss (a new epoch, <c>recovered:false</c>) is allowed.</summary>
    public static Expectations LossAllowed { get; } = new(SingleFault: false, ErrorsAllowed: true);
}
