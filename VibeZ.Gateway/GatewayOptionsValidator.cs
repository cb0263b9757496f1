using Microsoft.Extensions.Options;
using VibeZ.Gateway.Security;

namespace VibeZ.Gateway;

/// <summary>Stops start-up with a message naming the setting and its value when a <c>Gateway</c> setting is out of range.</summary>
internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        Check(failures, nameof(options.HistoryLength), options.HistoryLength, 1, 1_000_000);
        Check(failures, nameof(options.ChannelTimeToLiveSeconds), options.ChannelTimeToLiveSeconds, 1, 365 * 86_400);
        Check(failures, nameof(options.DedupeWindowSeconds), options.DedupeWindowSeconds, 1, 7 * 86_400);
        Check(failures, nameof(options.ReplicationTimeoutMilliseconds), options.ReplicationTimeoutMilliseconds, 1, 60_000);
        Check(failures, nameof(options.MaxMessageBytes), options.MaxMessageBytes, 256, 16 * 1024 * 1024);
        Check(failures, nameof(options.SendQueueBytes), options.SendQueueBytes, 1024, 1024 * 1024 * 1024);
        Check(failures, nameof(options.WriteTimeoutSeconds), options.WriteTimeoutSeconds, 0.1, 3600);
        Check(failures, nameof(options.KeepAliveTimeoutSeconds), options.KeepAliveTimeoutSeconds, 0, 3600);
        Check(failures, nameof(options.MaxInvalidFrames), options.MaxInvalidFrames, 0, 1_000_000);
        Check(failures, nameof(options.ResyncIntervalSeconds), options.ResyncIntervalSeconds, 0.1, 3600);
        Check(failures, nameof(options.PresenceHeartbeatSeconds), options.PresenceHeartbeatSeconds, 0.1, 3600);
        Check(failures, nameof(options.MaxHistoryPageSize), options.MaxHistoryPageSize, 1, 100_000);
        Check(failures, nameof(options.MaxHistoryPageBytes), options.MaxHistoryPageBytes, 1024, 1024 * 1024 * 1024);
        Check(failures, nameof(options.MaxConcurrentHistoryReads), options.MaxConcurrentHistoryReads, 1, 100_000);
        Check(failures, nameof(options.MaxPublishesInFlight), options.MaxPublishesInFlight, 1, 1_000_000);
        Check(failures, nameof(options.MaxChannelsPerConnection), options.MaxChannelsPerConnection, 1, 100_000);
        Check(failures, nameof(options.CommandsPerSecond), options.CommandsPerSecond, 1, 1_000_000);
        Check(failures, nameof(options.CommandBurst), options.CommandBurst, 1, 1_000_000);
        Check(failures, nameof(options.MaxConnectionsPerIp), options.MaxConnectionsPerIp, 1, 1_000_000);
        Check(failures, nameof(options.MaxConnections), options.MaxConnections, 1, 1_000_000);
        Check(failures, nameof(options.HttpRequestsPerSecondPerIp), options.HttpRequestsPerSecondPerIp, 1, 1_000_000);
        Check(failures, nameof(options.HttpRequestBurstPerIp), options.HttpRequestBurstPerIp, 1, 1_000_000);
        Check(failures, nameof(options.MaxKnownChannels), options.MaxKnownChannels, 1, 10_000_000);
        Check(failures, nameof(options.RequestHeadersTimeoutSeconds), options.RequestHeadersTimeoutSeconds, 0.1, 3600);
        var factorsValid = failures.Count == 0 || !failures.Any(f => f.Contains($":{nameof(options.MaxMessageBytes)} is", StringComparison.Ordinal)
            || f.Contains($":{nameof(options.HistoryLength)} is", StringComparison.Ordinal));
        var failed = failures.Count;
        Check(failures, nameof(options.MaxChannelHistoryBytes), options.MaxChannelHistoryBytes, 256, 1L << 40);

        // The product only means something once each of the three is in range; a bad one is reported once, above.
        if (factorsValid && failures.Count == failed
            && (long)options.MaxMessageBytes * options.HistoryLength > options.MaxChannelHistoryBytes)
        {
            failures.Add($"{GatewayDefaults.SectionName}:{nameof(options.MaxMessageBytes)} ({options.MaxMessageBytes}) × {GatewayDefaults.SectionName}:{nameof(options.HistoryLength)} " +
                $"({options.HistoryLength}) is {(long)options.MaxMessageBytes * options.HistoryLength} bytes, more than {GatewayDefaults.SectionName}:{nameof(options.MaxChannelHistoryBytes)} " +
                $"({options.MaxChannelHistoryBytes}) one channel may hold; lower one of the first two or raise the third.");
        }

        // A page always holds at least one message, so a page bound below the largest one would be exceeded by it.
        if (!failures.Any(f => f.Contains($":{nameof(options.MaxMessageBytes)} is", StringComparison.Ordinal) || f.Contains($":{nameof(options.MaxHistoryPageBytes)} is", StringComparison.Ordinal))
            && options.MaxHistoryPageBytes < options.HistoryEntryBytes)
        {
            failures.Add($"{GatewayDefaults.SectionName}:{nameof(options.MaxHistoryPageBytes)} is {options.MaxHistoryPageBytes}; it must be at least " +
                $"{GatewayDefaults.SectionName}:{nameof(options.MaxMessageBytes)} ({options.MaxMessageBytes}) + {GatewayDefaults.HistoryEntryOverheadBytes} = {options.HistoryEntryBytes}, so that a page holds the largest message.");
        }

        if (!Enum.IsDefined(options.Durability))
        {
            failures.Add($"{GatewayDefaults.SectionName}:{nameof(options.Durability)} is '{options.Durability}'; use Replicated or Leader.");
        }

        foreach (var origin in (options.AllowedOrigins ?? []).Where(o => o != "*" && OriginPolicy.Normalize(o) is null))
        {
            failures.Add($"{GatewayDefaults.SectionName}:{nameof(options.AllowedOrigins)} holds '{origin}'; an origin is scheme, host and port only, like https://app.example.com, or * for any.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string setting, double value, double min, double max)
    {
        if (double.IsNaN(value) || value < min || value > max)
        {
            failures.Add($"{GatewayDefaults.SectionName}:{setting} is {value}; it must be from {min} to {max}.");
        }
    }
}
