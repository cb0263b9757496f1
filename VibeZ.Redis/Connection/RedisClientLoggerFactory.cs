using Microsoft.Extensions.Logging;

namespace VibeZ.Redis.Connection;

/// <summary>
/// The logger factory StackExchange.Redis gets for the multiplexer whose connection events VibeZ reports: its own
/// reports of those same failures go to Debug (see <see cref="RedisClientLogger"/>).
/// </summary>
/// <param name="inner">The host's logger factory, which owns the providers.</param>
internal sealed class RedisClientLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new RedisClientLogger(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
        // The host disposes its factory; StackExchange.Redis only borrows it.
    }
}
