using Microsoft.Extensions.Options;

namespace VibeZ.Worker.Registry;

/// <summary>Stops the Worker at start with a message naming the bad setting and value.</summary>
internal sealed class RegistryOptionsValidator : IValidateOptions<RegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistryOptions options) =>
        options.CleanupIntervalSeconds is >= 0.1 and <= 3600
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Registry:CleanupIntervalSeconds must be between 0.1 and 3600; got {options.CleanupIntervalSeconds}.");
}
