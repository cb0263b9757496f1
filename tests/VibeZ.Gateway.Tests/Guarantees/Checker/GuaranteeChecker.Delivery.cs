using VibeZ.Gateway.Tests.Guarantees.Observations;

namespace VibeZ.Gateway.Tests.Guarantees.Checker;

/// <summary>G2 (acked is never lost) and G5's promise to a resumed client: every acked message reaches every subscriber entitled to it.</summary>
public sealed partial class GuaranteeChecker
{
    /// <summary>
    /// A subscriber whose last connection is still subscribed at the end is owed every message acked after its
    /// subscription began, unless a <c>recovered:false</c> it received covers the message's position. One that resumed
    /// on new connections is owed the same (G5: a <c>recovered:true</c> resume misses nothing).
    /// </summary>
    private void CheckDelivery(Dictionary<(string Client, string Channel), SubscriberTrack> subscribers)
    {
        foreach (var ((client, channel), track) in subscribers)
        {
            if (track.Sessions.Count == 0 || !track.Sessions[^1].IsOpen || track.Start is not { } start)
            {
                continue;
            }

            var last = track.Sessions[^1];
            var guarantee = track.Sessions.Count == 1 ? "G2" : "G5";
            foreach (var ((ackedChannel, id), ack) in _acked)
            {
                if (ackedChannel != channel || track.Received.ContainsKey(id) || !Owed(ack, start) || Covered(ack.Position, track))
                {
                    continue;
                }

                _lost.Add((channel, id));
                Violate(guarantee, channel, last.Connection, ack.At,
                    $"{id}, acked at {ack.Position} to {ack.Connection}, never arrived and no recovered:false covers it; " +
                    $"{(track.Sessions.Count == 1 ? "it stayed subscribed" : $"it resumed {track.Sessions.Count - 1} time(s)")} and ended at {last.Current}");
            }
        }
    }

    /// <summary>Whether a subscription that began at <paramref name="start"/> is owed the message of <paramref name="ack"/>.</summary>
    private static bool Owed(Observation.Acked ack, (Position Position, TimeSpan At) start) =>
        ack.Position.Epoch == start.Position.Epoch ? ack.Position.Offset > start.Position.Offset : ack.At > start.At;

    /// <summary>
    /// Whether the subscriber was told it may have missed <paramref name="position"/>: a <c>recovered:false</c> at or
    /// after it in its epoch, or one that moved it out of that epoch once it had seen it.
    /// </summary>
    private static bool Covered(Position position, SubscriberTrack track) =>
        track.Signals.Any(s => s.Signal.Position.Epoch == position.Epoch
            ? position.Offset <= s.Signal.Position.Offset
            : s.EpochsBefore.Contains(position.Epoch));
}
