using System.Text.Json;
using VibeZ.Gateway.Tests.Guarantees.Observations;

namespace VibeZ.Gateway.Tests.Guarantees.Traffic;

/// <summary>A message a traffic publisher sends: its data carries its id and sender, so any copy can be traced.</summary>
internal sealed record OutgoingMessage(string Channel, string Id, string Data, PublishProbe Probe)
{
    public static OutgoingMessage Create(string channel, string publisher, long number) =>
        new(channel, $"{publisher}-{number}", JsonSerializer.Serialize(new { id = $"{publisher}-{number}", by = publisher, n = number }), PublishProbe.None);

    /// <summary>The same id and data sent again (G7: the same position comes back).</summary>
    public OutgoingMessage Again() => this with { Probe = PublishProbe.SameData };

    /// <summary>The same id with other data (G7: <c>id_conflict</c>, never an ack).</summary>
    public OutgoingMessage Conflicting() =>
        this with { Probe = PublishProbe.OtherData, Data = JsonSerializer.Serialize(new { id = Id, conflicting = true }) };
}
