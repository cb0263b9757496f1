using Microsoft.Extensions.Options;

namespace VibeZ.Redis.Connection;

/// <summary>
/// Stops start-up with a message naming the setting and its bad value; generated from the attributes on
/// <see cref="RedisReconnectOptions"/>, and runs its rule between the two delays.
/// </summary>
[OptionsValidator]
internal sealed partial class RedisReconnectOptionsValidator : IValidateOptions<RedisReconnectOptions>;
