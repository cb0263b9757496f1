using Microsoft.Extensions.Options;

namespace VibeZ.Redis.Health;

/// <summary>
/// Stops start-up on an interval that cannot work, naming the setting and the value; generated from the attributes on
/// <see cref="RedisHealthMonitorOptions"/>.
/// </summary>
[OptionsValidator]
internal sealed partial class RedisHealthMonitorOptionsValidator : IValidateOptions<RedisHealthMonitorOptions>;
