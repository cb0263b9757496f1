namespace VibeZ.Bench.Scenarios.Failover;

/// <summary>A publishing client that behaves as a careful application would: it sends every message once, and again on a retryable failure.</summary>
internal interface IFailoverPublisher : IAsyncDisposable
{
    /// <summary>Gets why the connection ended, once it did; null while it is open.</summary>
    string? Ended { get; }

    /// <summary>Sends message <paramref name="sequence"/>, due at <paramref name="intendedMicros"/>, without waiting for its confirmation.</summary>
    void Publish(long sequence, long intendedMicros);
}
