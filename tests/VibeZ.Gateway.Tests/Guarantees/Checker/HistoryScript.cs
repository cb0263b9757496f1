using VibeZ.Gateway.Tests.Guarantees.Observations;

namespace VibeZ.Gateway.Tests.Guarantees.Checker;

/// <summary>Writes hand-made histories for the checker's own tests: each call records one observation, 10 ms after the last.</summary>
internal sealed class HistoryScript
{
    private readonly List<Observation> _observations = [];
    private TimeSpan _now;

    public IReadOnlyList<Observation> Observations => _observations;

    public static string Data(string id) => $$"""{"id":"{{id}}"}""";

    public HistoryScript Fault(string what, bool disrupts = true) => Add(new Observation.FaultInjected(Tick(), what, disrupts));

    /// <summary>A first send of <paramref name="id"/> over WebSocket by <paramref name="client"/>, with the data it carries.</summary>
    public HistoryScript Send(string client, string channel, string id, int attempt = 1, PublishProbe probe = PublishProbe.None, string? data = null) =>
        Add(new Observation.Sent(Tick(), client, client + "#1", "A", "ws", channel, id, data ?? Data(id), attempt, probe));

    public HistoryScript Ack(string client, string channel, string id, string epoch, long offset, int attempt = 1) =>
        Add(new Observation.Acked(Tick(), client, client + "#1", channel, id, attempt, new Position(epoch, offset), null, SentAt(client, channel, id, attempt)));

    public HistoryScript Error(string client, string channel, string id, string code, bool retryable, int attempt = 1) =>
        Add(new Observation.Errored(Tick(), client, client + "#1", channel, id, attempt, code, retryable));

    /// <summary>Sends and acks <paramref name="id"/> at <paramref name="offset"/>.</summary>
    public HistoryScript Publish(string client, string channel, string id, string epoch, long offset) =>
        Send(client, channel, id).Ack(client, channel, id, epoch, offset);

    public HistoryScript Subscribe(string connection, string channel, Position? since = null) =>
        Add(new Observation.SubscribeSent(Tick(), ClientOf(connection), connection, "B", channel, since));

    public HistoryScript Subscribed(string connection, string channel, string epoch, long offset, bool recovered = true) =>
        Add(new Observation.Subscribed(Tick(), ClientOf(connection), connection, channel, new Position(epoch, offset), recovered, "node-b"));

    public HistoryScript Deliver(string connection, string channel, string id, string epoch, long offset) =>
        Add(new Observation.Delivered(Tick(), ClientOf(connection), connection, channel, new Position(epoch, offset), id, Data(id)));

    public HistoryScript Close(string connection, bool byClient = true) =>
        Add(new Observation.Closed(Tick(), ClientOf(connection), connection, byClient, byClient ? "resuming" : "gateway gone"));

    // "sub#2" is the second connection of the logical client "sub".
    private static string ClientOf(string connection) => connection.Split('#')[0];

    private TimeSpan SentAt(string client, string channel, string id, int attempt) =>
        _observations.OfType<Observation.Sent>().Last(s => s.Client == client && s.Channel == channel && s.Id == id && s.Attempt == attempt).At;

    private TimeSpan Tick() => _now += TimeSpan.FromMilliseconds(10);

    private HistoryScript Add(Observation observation)
    {
        _observations.Add(observation);
        return this;
    }
}
