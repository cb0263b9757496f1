namespace VibeZ.Gateway.Tests.Guarantees.Checker;

/// <summary>
/// One broken promise, with what is needed to find it in the logs: which guarantee (G1…G8 of the delivery
/// guarantees, or <c>NoError</c> for a fault that promises no client an error), the channel, the client, when, and the
/// positions and ids involved.
/// </summary>
public sealed record Violation(string Guarantee, string? Channel, string Client, TimeSpan? At, string Detail)
{
    public override string ToString() =>
        $"{Guarantee} [{Channel ?? "-"}] {Client}{(At is { } at ? $" at {at.TotalSeconds:0.000} s" : "")}: {Detail}";
}
