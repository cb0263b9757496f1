using VibeZ.Bench.Report;

namespace VibeZ.Bench.Scenarios.Connections;

/// <summary>summary.json of the <c>connections</c> scenario: the shared shape plus the memory readings.</summary>
internal sealed record ConnectionsSummary
{
    public required string Scenario { get; init; }

    /// <summary>Gets the idle subscriber connections, each on a channel of its own.</summary>
    public required int Subscribers { get; init; }

    /// <summary>Gets every connection the server held during the readings: the subscribers and the publisher.</summary>
    public required int Connections { get; init; }

    public required string Mode { get; init; }

    public required double IdleSeconds { get; init; }

    /// <summary>Gets how many connections were opened at once.</summary>
    public required int ConnectConcurrency { get; init; }

    /// <summary>Gets the open-files limit (soft/hard) of the load generator and of each server process.</summary>
    public required IReadOnlyDictionary<string, string> FileDescriptorLimits { get; init; }

    public required IReadOnlyList<ConnectionsSystemSummary> Systems { get; init; }

    public required MachineInfo Machine { get; init; }

    public required string Command { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required double DurationSeconds { get; init; }
}
