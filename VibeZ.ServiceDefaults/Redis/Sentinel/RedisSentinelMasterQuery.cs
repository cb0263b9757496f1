using StackExchange.Redis;
using VibeZ.ServiceDefaults.Redis.Configuration;
using VibeZ.ServiceDefaults.Redis.Connection;

namespace VibeZ.ServiceDefaults.Redis.Sentinel;

/// <summary>Asks the sentinels, over the connection <see cref="RedisConnector"/> keeps to them, which master they name.</summary>
internal sealed class RedisSentinelMasterQuery(IConnectionMultiplexer sentinels, string serviceName)
{
    /// <summary>
    /// The master every connected sentinel that answers names (formatted as <see cref="RedisEndPointFormatter"/> does),
    /// or <see langword="null"/> while none answers or they disagree, as they may for a moment during a switch.
    /// </summary>
    public async Task<string?> NamedMasterAsync()
    {
        var answers = new HashSet<string>();
        foreach (var sentinel in sentinels.GetServers().Where(server => server.IsConnected))
        {
            try
            {
                if (await sentinel.SentinelGetMasterAddressByNameAsync(serviceName) is { } master)
                {
                    answers.Add(RedisEndPointFormatter.Format(master));
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // A sentinel that does not answer has no say.
            }
        }

        return answers.Count == 1 ? answers.Single() : null;
    }
}
