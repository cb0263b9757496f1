namespace VibeZ.Gateway.Tests.Guarantees.Observations;

/// <summary>
/// One thing a client did or saw, with the time since the run started. <see cref="Client"/> is a logical client (a
/// publisher, or a subscriber that may resume on new connections); <see cref="Connection"/> names one connection of it.
/// Publish answers carry the attempt they answer, so every answer is matched to exactly one send.
/// </summary>
public abstract record Observation(TimeSpan At, string Client, string Connection)
{
    /// <summary>A publish sent (WebSocket frame or HTTP POST); <paramref name="Attempt"/> counts sends of this id by this client.</summary>
    public sealed record Sent(TimeSpan At, string Client, string Connection, string Gateway, string Transport, string Channel, string Id, string Data, int Attempt, PublishProbe Probe)
        : Observation(At, Client, Connection);

    /// <summary>An ack frame, or an HTTP 200 (which says whether it was a duplicate).</summary>
    public sealed record Acked(TimeSpan At, string Client, string Connection, string Channel, string Id, int Attempt, Position Position, bool? Duplicate, TimeSpan SentAt)
        : Observation(At, Client, Connection);

    /// <summary>An error frame or problem response; a publish's carries its id and attempt, a subscribe's has neither.</summary>
    public sealed record Errored(TimeSpan At, string Client, string Connection, string? Channel, string? Id, int Attempt, string Code, bool Retryable)
        : Observation(At, Client, Connection);

    /// <summary>A publish whose answer never came: the connection died, or the request timed out.</summary>
    public sealed record Unanswered(TimeSpan At, string Client, string Connection, string Channel, string Id, int Attempt, string Reason)
        : Observation(At, Client, Connection);

    /// <summary>A subscribe frame sent, with the position to resume after, if any.</summary>
    public sealed record SubscribeSent(TimeSpan At, string Client, string Connection, string Gateway, string Channel, Position? Since)
        : Observation(At, Client, Connection);

    /// <summary>A <c>subscribed</c> frame: the answer to a subscribe, or a signal that history was lost (<c>recovered:false</c>).</summary>
    public sealed record Subscribed(TimeSpan At, string Client, string Connection, string Channel, Position Position, bool Recovered, string Node)
        : Observation(At, Client, Connection);

    /// <summary>A <c>message</c> frame.</summary>
    public sealed record Delivered(TimeSpan At, string Client, string Connection, string Channel, Position Position, string Id, string Data)
        : Observation(At, Client, Connection);

    /// <summary>A connection ended; <paramref name="ByClient"/> says whether the client ended it on purpose.</summary>
    public sealed record Closed(TimeSpan At, string Client, string Connection, bool ByClient, string Reason)
        : Observation(At, Client, Connection);

    /// <summary>An HTTP history read: the channel's position and the messages it returned.</summary>
    public sealed record HistoryRead(TimeSpan At, string Client, string Connection, string Gateway, string Channel, Position Head, IReadOnlyList<HistoryEntry> Messages)
        : Observation(At, Client, Connection);

    /// <summary>A fault the run injected, or a step of one; <paramref name="Disrupts"/> marks a step that cuts the service (a crash, a hang, a kill), from which the first ack is timed.</summary>
    public sealed record FaultInjected(TimeSpan At, string Description, bool Disrupts)
        : Observation(At, "fault", "");

    /// <summary>One message of a <see cref="HistoryRead"/>.</summary>
    public sealed record HistoryEntry(Position Position, string Id, string Data);
}
