namespace VibeZ.Redis.Configuration;

/// <summary>
/// Thrown at start-up when a Redis setting cannot be used; the message names the setting and its (masked) value.
/// </summary>
public sealed class RedisConfigurationException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="setting"/>.</summary>
    /// <param name="setting">The configuration key that supplied the bad value, e.g. <c>REDIS_URL</c>.</param>
    /// <param name="message">What is wrong, already naming the setting and the masked value.</param>
    public RedisConfigurationException(string setting, string message)
        : base(message)
    {
        Setting = setting;
    }

    /// <summary>Gets the configuration key that supplied the bad value.</summary>
    public string Setting { get; }
}
