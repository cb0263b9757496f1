using StackExchange.Redis;
using VibeZ.Redis.Configuration;

namespace VibeZ.Redis.Sentinel;

/// <summary>Asks the sentinels, over the connection <see cref="RedisSentinelConnection"/> keeps to them, which master they name.</summary>
internal sealed class RedisSentinelMasterQuery(RedisSentinelConnection sentinels, RedisConnectionSettings settings)
{
    // Sentinel mode always names its service (RedisSettingsReader).
    private readonly string _serviceName = settings.SentinelServiceName!;

    /// <summary>
    /// The master every connected sentinel that answers names (formatted as <see cref="RedisEndPointFormatter"/> does),
    /// or <see langword="null"/> while none answers or they disagree, as they may for a moment during a switch.
    /// </summary>
    public async Task<string?> NamedMasterAsync()
    {
        var answers = new HashSet<string>();
        foreach (var sentinel in sentinels.ConnectedSentinels())
        {
            try
            {
                if (await sentinel.SentinelGetMasterAddressByNameAsync(_serviceName) is { } master)
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
