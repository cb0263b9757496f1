namespace VibeZ.Gateway.Tests.Guarantees.Observations;

/// <summary>Where a message sits in a channel's history, as clients see it: an epoch and an offset in it.</summary>
public readonly record struct Position(string Epoch, long Offset)
{
    public override string ToString() => $"{Epoch}/{Offset}";
}
