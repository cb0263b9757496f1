using System.Text.Json.Nodes;
using VibeZ.Gateway.Tests.Guarantees.Observations;

namespace VibeZ.Gateway.Tests.Guarantees.Checker;

/// <summary>
/// Checks a run's <see cref="History"/> against the delivery guarantees (G1–G8 in the lead's guarantees text), from
/// what clients saw only: sends, acks, errors, every delivered (channel, epoch, offset, id), <c>subscribed</c> frames
/// with their <c>recovered</c> flag, and history reads. It computes the figures of the fault table and returns every
/// violation with the channel, positions, ids, client and time involved.
/// </summary>
public sealed partial class GuaranteeChecker
{
    private readonly IReadOnlyList<Observation> _observations;
    private readonly Expectations _expectations;
    private readonly List<Violation> _violations = [];

    // Every send, by the client, message and attempt its answers name.
    private readonly Dictionary<(string Client, string Channel, string Id, int Attempt), Observation.Sent> _sends = [];

    // The data a message was first sent with: what every observer of it must see.
    private readonly Dictionary<(string Channel, string Id), string> _originalData = [];

    // The first ack of each message (probes not counted): the position every observer must agree on.
    private readonly Dictionary<(string Channel, string Id), Observation.Acked> _acked = [];

    private int _duplicates;
    private int _reorders;
    private int _silentGaps;
    private int _signalledLosses;
    private int _reusedOffsets;
    private int _errors;
    private readonly HashSet<(string Channel, string Id)> _lost = [];

    private GuaranteeChecker(IReadOnlyList<Observation> observations, Expectations expectations)
    {
        _observations = observations;
        _expectations = expectations;
    }

    /// <summary>Checks <paramref name="observations"/> (in recording order) and returns the figures and violations.</summary>
    public static GuaranteeReport Check(IReadOnlyList<Observation> observations, Expectations expectations) =>
        new GuaranteeChecker(observations, expectations).Run();

    private GuaranteeReport Run()
    {
        IndexPublishes();
        CheckPositions();
        CheckProbes();
        var subscribers = CheckSessions();
        CheckDelivery(subscribers);
        CheckPublisherOrder();
        CheckErrors();
        return new GuaranteeReport
        {
            Sent = _observations.OfType<Observation.Sent>().Where(s => s.Probe == PublishProbe.None).Select(s => (s.Channel, s.Id)).Distinct().Count(),
            Acked = _acked.Count,
            Delivered = _observations.OfType<Observation.Delivered>().Select(d => (d.Channel, d.Id)).Distinct().Count(),
            AckedButLost = _lost.Count,
            Duplicates = _duplicates,
            Reorders = _reorders,
            ReusedOffsets = _reusedOffsets,
            SilentGaps = _silentGaps,
            SignalledLosses = _signalledLosses,
            Errors = _errors,
            FaultToFirstAck = FaultToFirstAck(),
            Violations = _violations,
        };
    }

    private void IndexPublishes()
    {
        foreach (var sent in _observations.OfType<Observation.Sent>())
        {
            if (!_sends.TryAdd((sent.Client, sent.Channel, sent.Id, sent.Attempt), sent))
            {
                Violate("G8", sent.Channel, sent.Client, sent.At, $"the history has attempt {sent.Attempt} of {sent.Id} twice (a generator bug)");
            }

            if (sent.Probe == PublishProbe.None)
            {
                _originalData.TryAdd((sent.Channel, sent.Id), sent.Data);
            }
        }

        foreach (var ack in _observations.OfType<Observation.Acked>())
        {
            var sent = SendOf(ack.Client, ack.Channel, ack.Id, ack.Attempt);
            if (sent is null)
            {
                Violate("G8", ack.Channel, ack.Client, ack.At, $"ack of {ack.Id} (attempt {ack.Attempt}) at {ack.Position} answers no recorded send");
            }
            else if (sent.Probe == PublishProbe.None)
            {
                _acked.TryAdd((ack.Channel, ack.Id), ack);
            }
        }
    }

    private Observation.Sent? SendOf(string client, string channel, string id, int attempt) =>
        _sends.GetValueOrDefault((client, channel, id, attempt));

    private TimeSpan? FaultToFirstAck()
    {
        if (_observations.OfType<Observation.FaultInjected>().FirstOrDefault(f => f.Disrupts) is not { } fault)
        {
            return null;
        }

        var first = _observations.OfType<Observation.Acked>().Where(a => a.SentAt >= fault.At).Select(a => (TimeSpan?)a.At).Min();
        return first - fault.At;
    }

    private void Violate(string guarantee, string? channel, string client, TimeSpan? at, string detail) =>
        _violations.Add(new Violation(guarantee, channel, client, at, detail));

    private static bool SameJson(string a, string b)
    {
        if (a == b)
        {
            return true;
        }

        try
        {
            return JsonNode.DeepEquals(JsonNode.Parse(a), JsonNode.Parse(b));
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
