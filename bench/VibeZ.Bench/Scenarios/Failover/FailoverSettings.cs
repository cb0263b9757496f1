namespace VibeZ.Bench.Scenarios.Failover;

/// <summary>How one <c>failover</c> run is shaped.</summary>
/// <param name="Subscribers">Subscribers of the one channel, spread over the system's two server processes.</param>
/// <param name="MessagesPerSecond">The publisher's steady rate; resends come on top of it.</param>
/// <param name="CrashAt">When, after the first message, the sentinel topology's master is killed (SIGKILL by its PID).</param>
/// <param name="Duration">How long new messages are sent, from the first one.</param>
/// <param name="Drain">How long the publisher may keep resending what is not acked after the last new message.</param>
/// <param name="Replicas">Replicas of the master in each system's sentinel topology.</param>
/// <param name="Mode"><c>full</c> or <c>smoke</c>.</param>
/// <param name="Systems">The systems to run, one after another, each on a sentinel topology of its own.</param>
/// <param name="OutputDirectory">Where summary.json and summary.md go.</param>
internal sealed record FailoverSettings(
    int Subscribers, double MessagesPerSecond, TimeSpan CrashAt, TimeSpan Duration, TimeSpan Drain, int Replicas, string Mode, IReadOnlyList<string> Systems, string OutputDirectory)
{
    /// <summary>Gets where the Redis nodes run (<c>--containers</c>): containers of that image, or local processes when null.</summary>
    public VibeZ.Testing.Redis.RedisContainers? Containers { get; init; }

    /// <summary>The same small message as the fan-out default.</summary>
    public const int MessageBytes = 64;

    /// <summary>How long a client waits before it sends a message again after a retryable failure.</summary>
    public static readonly TimeSpan ResendBackoff = TimeSpan.FromMilliseconds(250);

    /// <summary>How long deliveries may still arrive after the publisher stopped.</summary>
    public static readonly TimeSpan DeliveryGrace = TimeSpan.FromSeconds(3);
}
