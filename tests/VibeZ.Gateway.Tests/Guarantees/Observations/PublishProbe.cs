namespace VibeZ.Gateway.Tests.Guarantees.Observations;

/// <summary>Why a publish was sent: ordinary traffic, or a probe of the dedupe promise (G7).</summary>
public enum PublishProbe
{
    /// <summary>Ordinary traffic, or a client's resend of it after an error.</summary>
    None,

    /// <summary>An id already acked, sent again with the same data: it must get the same position.</summary>
    SameData,

    /// <summary>An id already acked, sent again with other data: it must get <c>id_conflict</c>, never an ack.</summary>
    OtherData,
}
