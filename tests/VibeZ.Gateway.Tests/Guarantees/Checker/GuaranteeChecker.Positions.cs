using VibeZ.Gateway.Tests.Guarantees.Observations;

namespace VibeZ.Gateway.Tests.Guarantees.Checker;

/// <summary>G1 (one position, one message) and G7 (dedupe): what every observer says sits where.</summary>
public sealed partial class GuaranteeChecker
{
    // Per (channel, position): each id any observer saw there, with the first observer that saw it.
    private readonly Dictionary<(string Channel, Position Position), Dictionary<string, string>> _names = [];

    /// <summary>Every claim a client saw about a position: deliveries, acks and history reads.</summary>
    private IEnumerable<(string Channel, Position Position, string Id, string? Data, string Observer, TimeSpan At)> Claims()
    {
        foreach (var observation in _observations)
        {
            switch (observation)
            {
                case Observation.Delivered d:
                    yield return (d.Channel, d.Position, d.Id, d.Data, $"{d.Connection} got it at {d.At.TotalSeconds:0.000} s", d.At);
                    break;
                case Observation.Acked a:
                    yield return (a.Channel, a.Position, a.Id, null, $"{a.Connection} was acked it at {a.At.TotalSeconds:0.000} s", a.At);
                    break;
                case Observation.HistoryRead h:
                    foreach (var entry in h.Messages)
                    {
                        yield return (h.Channel, entry.Position, entry.Id, entry.Data, $"{h.Connection} read it from {h.Gateway} at {h.At.TotalSeconds:0.000} s", h.At);
                    }

                    break;
            }
        }
    }

    private void CheckPositions()
    {
        var offsetsOfId = new Dictionary<(string Channel, string Id, string Epoch), SortedSet<long>>();
        var wrongData = new HashSet<(string Channel, string Id)>();
        foreach (var (channel, position, id, data, observer, at) in Claims())
        {
            var ids = _names.TryGetValue((channel, position), out var found) ? found : _names[(channel, position)] = [];
            ids.TryAdd(id, observer);

            var offsets = offsetsOfId.TryGetValue((channel, id, position.Epoch), out var known) ? known : offsetsOfId[(channel, id, position.Epoch)] = [];
            offsets.Add(position.Offset);

            if (data is not null && !wrongData.Contains((channel, id)))
            {
                CheckData(channel, position, id, data, observer, at, wrongData);
            }
        }

        foreach (var ((channel, position), ids) in _names.Where(n => n.Value.Count > 1))
        {
            _reusedOffsets++;
            Violate("G1", channel, "-", null,
                $"{position} names {ids.Count} messages: {string.Join("; ", ids.Select(i => $"{i.Key} ({i.Value})"))}");
        }

        foreach (var ((channel, id, epoch), offsets) in offsetsOfId.Where(o => o.Value.Count > 1))
        {
            Violate("G7", channel, "-", null, $"{id} sits at offsets {string.Join(", ", offsets)} of epoch {epoch}: it was written more than once");
        }
    }

    private void CheckData(string channel, Position position, string id, string data, string observer, TimeSpan at, HashSet<(string, string)> wrongData)
    {
        if (!_originalData.TryGetValue((channel, id), out var original))
        {
            wrongData.Add((channel, id));
            Violate("G1", channel, "-", at, $"{position} holds {id}, which no client sent ({observer})");
        }
        else if (!SameJson(data, original))
        {
            wrongData.Add((channel, id));
            var conflicting = _observations.OfType<Observation.Sent>().Any(s => s.Probe == PublishProbe.OtherData && s.Channel == channel && s.Id == id && SameJson(s.Data, data));
            Violate(conflicting ? "G7" : "G1", channel, "-", at,
                $"{position} holds {id} with {data}, not the {original} it was first sent with{(conflicting ? " (the data of a conflicting resend)" : "")} ({observer})");
        }
    }

    /// <summary>G7's probes: an acked id sent again with the same data gets the same position, with other data <c>id_conflict</c>.</summary>
    private void CheckProbes()
    {
        var answers = _observations.Where(o => o is Observation.Acked or Observation.Errored or Observation.Unanswered).ToList();
        foreach (var group in _sends.Values.Where(s => s.Probe != PublishProbe.None).GroupBy(s => (s.Client, s.Channel, s.Id, s.Probe)))
        {
            var (client, channel, id, probe) = group.Key;
            var attempts = group.Select(s => s.Attempt).ToHashSet();
            var replies = answers.Where(o => Answers(o, client, channel, id, attempts)).ToList();
            var original = _acked.GetValueOrDefault((channel, id));
            if (probe == PublishProbe.SameData)
            {
                CheckSameDataProbe(client, channel, id, replies, original);
            }
            else
            {
                CheckOtherDataProbe(client, channel, id, replies, original);
            }
        }
    }

    private void CheckSameDataProbe(string client, string channel, string id, List<Observation> replies, Observation.Acked? original)
    {
        foreach (var reply in replies)
        {
            if (reply is Observation.Acked ack && original is not null && ack.Position != original.Position
                && (ack.Position.Epoch == original.Position.Epoch || _expectations.SingleFault))
            {
                Violate("G7", channel, client, ack.At, $"{id} sent again with the same data was acked at {ack.Position}; it was first acked at {original.Position} ({original.Connection})");
            }
            else if (reply is Observation.Acked { Duplicate: false } fresh && original is not null && fresh.Position == original.Position)
            {
                Violate("G7", channel, client, fresh.At, $"{id} sent again with the same data got its position {fresh.Position} with duplicate:false");
            }
            else if (reply is Observation.Errored { Code: "id_conflict" } conflict)
            {
                Violate("G7", channel, client, conflict.At, $"{id} sent again with the same data was answered id_conflict");
            }
        }
    }

    private void CheckOtherDataProbe(string client, string channel, string id, List<Observation> replies, Observation.Acked? original)
    {
        foreach (var ack in replies.OfType<Observation.Acked>())
        {
            Violate("G7", channel, client, ack.At,
                $"{id} sent again with other data was acked at {ack.Position} (first acked at {original?.Position.ToString() ?? "?"}) instead of answered id_conflict");
        }

        if (!replies.Any(r => r is Observation.Acked or Observation.Errored { Code: "id_conflict" }))
        {
            var seen = replies.Count == 0 ? "no answer" : string.Join(", ", replies.Select(r => r is Observation.Errored e ? e.Code : "unanswered"));
            Violate("G7", channel, client, null, $"{id} sent again with other data was never answered id_conflict ({seen})");
        }
    }

    private static bool Answers(Observation reply, string client, string channel, string id, HashSet<int> attempts) => reply switch
    {
        Observation.Acked a => a.Client == client && a.Channel == channel && a.Id == id && attempts.Contains(a.Attempt),
        Observation.Errored e => e.Client == client && e.Channel == channel && e.Id == id && attempts.Contains(e.Attempt),
        Observation.Unanswered u => u.Client == client && u.Channel == channel && u.Id == id && attempts.Contains(u.Attempt),
        _ => false,
    };
}
