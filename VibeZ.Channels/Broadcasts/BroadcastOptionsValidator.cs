using Microsoft.Extensions.Options;

namespace VibeZ.Channels.Broadcasts;

internal sealed class BroadcastOptionsValidator : IValidateOptions<BroadcastOptions>
{
    // Ten years: far beyond any use, and far inside what DateTimeOffset and a Redis score hold exactly.
    private const double MaxSetting = 3650 * 86_400;

    // More than this is "forever" in all but name, which is what dead letters exist to prevent.
    private const int MaxAttemptsSetting = 1000;

    // A bound far above any real backlog of failures; beyond it the stream is unbounded in all but name.
    private const int MaxDeadLetterLengthSetting = 10_000_000;

    public ValidateOptionsResult Validate(string? name, BroadcastOptions options)
    {
        var failures = new List<string>();
        if (double.IsNaN(options.MaxDelaySeconds) || options.MaxDelaySeconds < 1 || options.MaxDelaySeconds > MaxSetting)
        {
            failures.Add($"{BroadcastDefaults.SectionName}:{nameof(options.MaxDelaySeconds)} is {options.MaxDelaySeconds}; it must be from 1 to {MaxSetting}.");
        }

        if (options.MaxAttempts is < 1 or > MaxAttemptsSetting)
        {
            failures.Add($"{BroadcastDefaults.SectionName}:{nameof(options.MaxAttempts)} is {options.MaxAttempts}; it must be from 1 to {MaxAttemptsSetting}.");
        }

        if (double.IsNaN(options.LagDegradedSeconds) || options.LagDegradedSeconds < 1 || options.LagDegradedSeconds > MaxSetting)
        {
            failures.Add($"{BroadcastDefaults.SectionName}:{nameof(options.LagDegradedSeconds)} is {options.LagDegradedSeconds}; it must be from 1 to {MaxSetting}.");
        }

        if (options.DeadLetterMaxLength is < 1 or > MaxDeadLetterLengthSetting)
        {
            failures.Add($"{BroadcastDefaults.SectionName}:{nameof(options.DeadLetterMaxLength)} is {options.DeadLetterMaxLength}; it must be from 1 to {MaxDeadLetterLengthSetting}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
