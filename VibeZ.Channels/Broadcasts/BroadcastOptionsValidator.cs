using Microsoft.Extensions.Options;

namespace VibeZ.Channels.Broadcasts;

/// <summary>Stops start-up naming the setting and the value; generated from the attributes on <see cref="BroadcastOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class BroadcastOptionsValidator : IValidateOptions<BroadcastOptions>;
