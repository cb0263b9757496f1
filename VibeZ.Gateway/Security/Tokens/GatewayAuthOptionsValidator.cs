using Microsoft.Extensions.Options;

namespace VibeZ.Gateway.Security.Tokens;

/// <summary>
/// Stops start-up with a message naming the setting when <c>Gateway:Auth</c> cannot authenticate anyone safely;
/// generated from the attributes on <see cref="GatewayAuthOptions"/>, and runs its rules for the mode and the keys.
/// </summary>
[OptionsValidator]
internal sealed partial class GatewayAuthOptionsValidator : IValidateOptions<GatewayAuthOptions>;
