using VibeZ.Gateway.Tests.Guarantees.Observations;

namespace VibeZ.Gateway.Tests.Guarantees.Checker;

/// <summary>G6 (a connection's publishes land in the order sent) and G8 (errors do not lie; retryable or for good).</summary>
public sealed partial class GuaranteeChecker
{
    /// <summary>
    /// Per WebSocket connection and channel, the first sends of messages, in send order, must be acked at rising
    /// offsets within an epoch. A resend is left out: when its first attempt was written after all, the dedupe rightly
    /// answers with that earlier position (G7), which the send order cannot predict.
    /// </summary>
    private void CheckPublisherOrder()
    {
        var acks = _observations.OfType<Observation.Acked>().GroupBy(a => (a.Client, a.Channel, a.Id, a.Attempt)).ToDictionary(g => g.Key, g => g.First());
        var firstSends = _observations.OfType<Observation.Sent>()
            .Where(s => s.Transport == "ws" && s.Probe == PublishProbe.None && s.Attempt == 1)
            .GroupBy(s => (s.Connection, s.Channel));
        foreach (var sends in firstSends)
        {
            Observation.Acked? previous = null;
            foreach (var sent in sends)
            {
                if (!acks.TryGetValue((sent.Client, sent.Channel, sent.Id, 1), out var ack))
                {
                    continue;
                }

                if (previous is not null && previous.Position.Epoch == ack.Position.Epoch && ack.Position.Offset <= previous.Position.Offset)
                {
                    _reorders++;
                    Violate("G6", sent.Channel, sent.Connection, ack.At,
                        $"{previous.Id} was sent before {sent.Id} but acked at {previous.Position}, {sent.Id} at {ack.Position}");
                }

                previous = previous is not null && previous.Position.Epoch == ack.Position.Epoch && previous.Position.Offset > ack.Position.Offset ? previous : ack;
            }
        }
    }

    private void CheckErrors()
    {
        foreach (var observation in _observations)
        {
            switch (observation)
            {
                case Observation.Errored e:
                    _errors++;
                    // The id_conflict an other-data probe must get is G7 kept, not an error the fault caused.
                    if (!CheckError(e))
                    {
                        NoError(e, $"error {e.Code} for {e.Id ?? "a subscribe"}");
                    }

                    break;
                case Observation.Unanswered u:
                    _errors++;
                    NoError(u, $"{u.Id} (attempt {u.Attempt}) was never answered: {u.Reason}");
                    break;
                case Observation.Closed { ByClient: false } c:
                    NoError(c, $"the Gateway ended the connection: {c.Reason}");
                    break;
            }
        }
    }

    /// <summary>Checks G7 and G8 on one error answer; returns true when it is the answer the send asked for (id_conflict to an other-data probe).</summary>
    private bool CheckError(Observation.Errored e)
    {
        if (e.Id is null)
        {
            if (!e.Retryable)
            {
                Violate("G8", e.Channel, e.Connection, e.At, $"a subscribe failed for good: {e.Code}");
            }

            return false;
        }

        var sent = SendOf(e.Client, e.Channel ?? "", e.Id, e.Attempt);
        if (e.Code == "id_conflict")
        {
            if (sent?.Probe == PublishProbe.OtherData)
            {
                return true;
            }

            Violate("G7", e.Channel, e.Connection, e.At, $"{e.Id} (attempt {e.Attempt}) was answered id_conflict, but it carried the data it was first sent with");
        }
        else if (!e.Retryable)
        {
            Violate("G8", e.Channel, e.Connection, e.At, $"{e.Id} (attempt {e.Attempt}) failed for good: {e.Code}");
        }

        return false;
    }

    private void NoError(Observation observation, string what)
    {
        if (!_expectations.ErrorsAllowed)
        {
            var channel = observation switch
            {
                Observation.Errored e => e.Channel,
                Observation.Unanswered u => u.Channel,
                _ => null,
            };
            Violate("NoError", channel, observation.Connection, observation.At, what);
        }
    }
}
