namespace VibeZ.Bench.Systems;

/// <summary>One publishing client of a system, driven by <see cref="Load.OpenLoopPublisher"/>.</summary>
internal interface IBenchPublisher : IAsyncDisposable
{
    /// <summary>Gets how many publishes wait for the system's confirmation (ack, invocation result or PUBLISH reply).</summary>
    int InFlight { get; }

    /// <summary>Gets the most publishes this client lets wait at once; beyond it the driver holds messages back.</summary>
    int Credits { get; }

    /// <summary>Gets the errors the system answered, by code.</summary>
    IReadOnlyDictionary<string, long> Errors { get; }

    /// <summary>Gets why the connection ended, once it did (closed by the server, say); null while it is open.</summary>
    string? Ended { get; }

    /// <summary>Hands one message to the transport; returns once it may be given the next one, not when it is confirmed.</summary>
    ValueTask SendAsync(long intendedMicros, long sequence, int step);
}
