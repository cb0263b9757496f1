using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using VibeZ.Redis.Configuration;
using VibeZ.Redis.Telemetry;

namespace VibeZ.Redis.Sentinel;

/// <summary>
/// Keeps the client away from a sentinel master that lost its job. A crashed master that is started again comes back
/// as a master, usually empty, until the sentinels demote it (seconds later); StackExchange.Redis routes writes to any
/// node that says it is a master, so without a fence those writes land on a node about to be wiped. From
/// losing the master on (or from <c>+switch-master</c>, if that comes first), the old master is dialed again only when
/// the sentinels name it the master still (a restart without a failover), or report it replicating from the new one.
/// </summary>
internal sealed class RedisMasterFence(RedisSentinelConnection sentinels, RedisConnectionSettings settings, TimeProvider timeProvider, ILogger<RedisMasterFence> logger)
{
    // The sentinels are asked at most this often per fenced node; the client redials on its reconnect schedule.
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, long> _fenced = new();

    // Sentinel mode always names its service (RedisSettingsReader).
    private readonly string _serviceName = settings.SentinelServiceName!;

    /// <summary>Fences <paramref name="oldMaster"/> and lifts any fence on <paramref name="newMaster"/>.</summary>
    public void OnSwitch(string oldMaster, string newMaster)
    {
        Lift(newMaster, "the sentinels made it the master");
        if (_fenced.TryAdd(oldMaster, 0))
        {
            RedisLog.OldMasterFenced(logger, oldMaster, newMaster);
        }
    }

    /// <summary>Fences the master the client just lost, until the sentinels say what it is now.</summary>
    public void OnLost(string master)
    {
        if (_fenced.TryAdd(master, 0))
        {
            RedisLog.OldMasterFenced(logger, master, "whichever node the sentinels name");
        }
    }

    /// <summary>Whether the client may dial <paramref name="endPoint"/> now (formatted as <see cref="RedisEndPointFormatter"/> does).</summary>
    public async ValueTask<bool> AdmitsAsync(string endPoint)
    {
        if (!_fenced.TryGetValue(endPoint, out var lastCheck))
        {
            return true;
        }

        var now = timeProvider.GetTimestamp();
        if (lastCheck != 0 && timeProvider.GetElapsedTime(lastCheck, now) < CheckInterval || !_fenced.TryUpdate(endPoint, now, lastCheck))
        {
            return false;
        }

        switch (await AskSentinelsAsync(endPoint))
        {
            case Verdict.Master:
                Lift(endPoint, "the sentinels still name it the master");
                return true;
            case Verdict.Replica:
                Lift(endPoint, "the sentinels report it replicating from the master");
                return true;
            default:
                return false;
        }
    }

    private void Lift(string endPoint, string reason)
    {
        if (_fenced.TryRemove(endPoint, out _))
        {
            RedisLog.FenceLifted(logger, endPoint, reason);
        }
    }

    /// <summary>
    /// Asks the sentinels what <paramref name="endPoint"/> is. The role alone is not enough: a sentinel lists a replaced
    /// master as a replica at once, and keeps saying so until its next <c>INFO</c> of that node, so a restarted, empty
    /// master would pass; only a live link to the named master (<c>master-link-status:ok</c>) shows it took the role.
    /// </summary>
    private async Task<Verdict> AskSentinelsAsync(string endPoint)
    {
        foreach (var sentinel in sentinels.ConnectedSentinels())
        {
            try
            {
                var named = (await sentinel.SentinelMasterAsync(_serviceName)).ToDictionary(field => field.Key, field => field.Value);
                var master = $"{named.GetValueOrDefault("ip")}:{named.GetValueOrDefault("port")}";
                if (master == endPoint)
                {
                    // Still the master, but while the sentinels think it down it may be replaced any moment.
                    var masterFlags = named.GetValueOrDefault("flags") ?? "";
                    return masterFlags.Contains("s_down") || masterFlags.Contains("o_down") || masterFlags.Contains("failover")
                        ? Verdict.Unknown
                        : Verdict.Master;
                }

                foreach (var replica in await sentinel.SentinelReplicasAsync(_serviceName))
                {
                    var fields = replica.ToDictionary(field => field.Key, field => field.Value);
                    var address = $"{fields.GetValueOrDefault("ip")}:{fields.GetValueOrDefault("port")}";
                    if (fields.GetValueOrDefault("name") != endPoint && address != endPoint)
                    {
                        continue;
                    }

                    var flags = fields.GetValueOrDefault("flags") ?? "";
                    var upstream = $"{fields.GetValueOrDefault("master-host")}:{fields.GetValueOrDefault("master-port")}";
                    var replicating = fields.GetValueOrDefault("role-reported") == "slave"
                        && fields.GetValueOrDefault("master-link-status") == "ok"
                        && upstream == master
                        && !flags.Contains("s_down") && !flags.Contains("disconnected");
                    return replicating ? Verdict.Replica : Verdict.Unknown;
                }

                return Verdict.Unknown;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Ask the next sentinel.
            }
        }

        return Verdict.Unknown;
    }

    private enum Verdict
    {
        Unknown,
        Master,
        Replica,
    }
}
