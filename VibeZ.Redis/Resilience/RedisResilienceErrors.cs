using StackExchange.Redis;

namespace VibeZ.Redis.Resilience;

/// <summary>
/// Which failures a failover explains, and so may pass if the same command is sent again a little later.
/// </summary>
internal static class RedisResilienceErrors
{
    /// <remarks>
    /// A timeout does not say whether the server applied the command; that is why only idempotent operations are
    /// retried at all. Other server errors (WRONGTYPE, NOSCRIPT, a script error) fail the same way every time.
    /// </remarks>
    public static bool IsTransient(Exception? exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        RedisServerException server => HasTransientPrefix(server.Message),
        _ => false,
    };

    private static bool HasTransientPrefix(string message)
    {
        foreach (var prefix in RedisResilienceDefaults.TransientServerErrorPrefixes)
        {
            // The prefix is the error code: the first word of the reply, so "LOADINGX" is not a match.
            if (message.StartsWith(prefix, StringComparison.Ordinal)
                && (message.Length == prefix.Length || message[prefix.Length] == ' '))
            {
                return true;
            }
        }

        return false;
    }
}
