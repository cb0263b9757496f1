using Microsoft.Extensions.Options;

namespace VibeZ.Channels.Broadcasts;

internal sealed class BroadcastOptionsValidator : IValidateOptions<BroadcastOptions>
{
    // Ten years: far beyond any use, and far inside what DateTimeOffset and a Redis score hold exactly.
    private const double MaxSetting = 3650 * 86_400;

    public ValidateOptionsResult Validate(string? name, BroadcastOptions options) =>
        double.IsNaN(options.MaxDelaySeconds) || options.MaxDelaySeconds < 1 || options.MaxDelaySeconds > MaxSetting
            ? ValidateOptionsResult.Fail(
                $"{BroadcastDefaults.SectionName}:{nameof(options.MaxDelaySeconds)} is {options.MaxDelaySeconds}; it must be from 1 to {MaxSetting}.")
            : ValidateOptionsResult.Success;
}
