using Microsoft.Extensions.Options;

namespace VibeZ.Worker.Registry;

/// <summary>Stops the Worker at start naming the bad setting and value; generated from the attributes on <see cref="RegistryOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class RegistryOptionsValidator : IValidateOptions<RegistryOptions>;
