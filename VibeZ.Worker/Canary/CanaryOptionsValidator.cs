using Microsoft.Extensions.Options;

namespace VibeZ.Worker.Canary;

/// <summary>
/// Stops the Worker at start with a message naming the bad setting and value; generated from the attributes on
/// <see cref="CanaryOptions"/>, and runs its rules for an enabled canary.
/// </summary>
[OptionsValidator]
internal sealed partial class CanaryOptionsValidator : IValidateOptions<CanaryOptions>;
