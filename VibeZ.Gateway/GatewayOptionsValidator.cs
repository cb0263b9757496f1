using Microsoft.Extensions.Options;

namespace VibeZ.Gateway;

/// <summary>
/// Stops start-up with a message naming the setting and its value when a <c>Gateway</c> setting is out of range;
/// generated from the attributes on <see cref="GatewayOptions"/>, and runs its rules between settings.
/// </summary>
[OptionsValidator]
internal sealed partial class GatewayOptionsValidator : IValidateOptions<GatewayOptions>;
