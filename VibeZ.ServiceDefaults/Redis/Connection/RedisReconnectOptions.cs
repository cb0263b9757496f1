using VibeZ.ServiceDefaults.Redis.Configuration;

namespace VibeZ.ServiceDefaults.Redis.Connection;

/// <summary>
/// The reconnect schedule, bound from <c>Redis:Reconnect</c>: attempt n waits min(n × base, max).
/// </summary>
public sealed class RedisReconnectOptions
{
    /// <summary>Gets or sets the step of the linear schedule, in milliseconds (<c>Redis:Reconnect:BaseDelayMilliseconds</c>).</summary>
    /// <value>The default value is 50.</value>
    public int BaseDelayMilliseconds { get; set; } = RedisDefaults.ReconnectBaseDelayMilliseconds;

    /// <summary>Gets or sets the cap on one delay, in milliseconds (<c>Redis:Reconnect:MaxDelayMilliseconds</c>).</summary>
    /// <value>The default value is 2000.</value>
    public int MaxDelayMilliseconds { get; set; } = RedisDefaults.ReconnectMaxDelayMilliseconds;
}
