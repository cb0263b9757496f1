namespace VibeZ.Bench.Scenarios.Failover;

/// <summary>One system on a sentinel topology of its own, started for the <c>failover</c> run and stopped after it.</summary>
internal interface IFailoverTarget : IAsyncDisposable
{
    string Name { get; }

    /// <summary>Gets a line saying what runs, and how the system was told where Redis is.</summary>
    string Description { get; }

    /// <summary>Gets the master's address as the sentinels name it now.</summary>
    Task<string> MasterAddressAsync();

    /// <summary>Kills the master (SIGKILL, by the PID of the process the harness started).</summary>
    void CrashMaster();

    /// <summary>Connects subscriber <paramref name="index"/> to <paramref name="channel"/>; returns once the system confirmed.</summary>
    Task<IAsyncDisposable> SubscribeAsync(int index, string channel, ArrivalLog log, CancellationToken cancellationToken);

    /// <summary>Connects the one publisher; it resends on retryable failures until <paramref name="stop"/> is cancelled.</summary>
    Task<IFailoverPublisher> ConnectPublisherAsync(string channel, PublishLedger ledger, CancellationToken stop, CancellationToken cancellationToken);
}
