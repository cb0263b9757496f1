using Microsoft.Extensions.Options;

namespace VibeZ.Redis.Resilience;

/// <summary>
/// Stops start-up on a budget or delay that cannot work, naming the setting and the value; generated from the
/// attributes on <see cref="RedisResilienceOptions"/>, and runs its rules between settings.
/// </summary>
[OptionsValidator]
internal sealed partial class RedisResilienceOptionsValidator : IValidateOptions<RedisResilienceOptions>;
