using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace VibeZ.ServiceDefaults.Redis;

/// <summary>
/// Keeps the client away from a sentinel master that lost its job. A crashed master that is started again comes back
/// as a master, usually empty, until the sentinels demote it (seconds later); StackExchange.Redis routes writes to any
/// node that says it is a master, so without a fence those writes land on a node about to be wiped. From
/// <c>+switch-master</c> on, the old master is not dialed until the sentinels report it as a reachable replica.
/// </summary>
internal sealed class RedisMasterFence(IConnectionMultiplexer sentinels, string serviceName, TimeProvider timeProvider, ILogger logger)
{
    // The sentinels are asked at most this often per fenced node; the client redials on its reconnect schedule.
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, long> _fenced = new();
    private string? _master;

    /// <summary>Fences <paramref name="oldMaster"/> and lifts any fence on <paramref name="newMaster"/>.</summary>
    public void OnSwitch(string oldMaster, string newMaster)
    {
        Volatile.Write(ref _master, newMaster);
        Lift(newMaster, "the sentinels made it the master");
        if (_fenced.TryAdd(oldMaster, 0))
        {
            RedisLog.OldMasterFenced(logger, oldMaster, newMaster);
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

        if (await IsReplicaAsync(endPoint))
        {
            Lift(endPoint, "the sentinels report it as a replica");
            return true;
        }

        return false;
    }

    private void Lift(string endPoint, string reason)
    {
        if (_fenced.TryRemove(endPoint, out _))
        {
            RedisLog.FenceLifted(logger, endPoint, reason);
        }
    }

    /// <summary>
    /// Asks the sentinels whether <paramref name="endPoint"/> is up and replicating from the current master. The role
    /// alone is not enough: a sentinel lists a replaced master as a replica at once, and keeps saying so until its
    /// next <c>INFO</c> of that node, so a restarted, empty master would pass; only a live link to the current master
    /// (<c>master-link-status:ok</c>) shows the node took its new role.
    /// </summary>
    private async Task<bool> IsReplicaAsync(string endPoint)
    {
        foreach (var sentinel in sentinels.GetServers().Where(server => server.IsConnected))
        {
            try
            {
                foreach (var replica in await sentinel.SentinelReplicasAsync(serviceName))
                {
                    var fields = replica.ToDictionary(field => field.Key, field => field.Value);
                    var name = fields.GetValueOrDefault("name") ?? $"{fields.GetValueOrDefault("ip")}:{fields.GetValueOrDefault("port")}";
                    if (name == endPoint || $"{fields.GetValueOrDefault("ip")}:{fields.GetValueOrDefault("port")}" == endPoint)
                    {
                        var flags = fields.GetValueOrDefault("flags") ?? "";
                        var upstream = $"{fields.GetValueOrDefault("master-host")}:{fields.GetValueOrDefault("master-port")}";
                        return fields.GetValueOrDefault("role-reported") == "slave"
                            && fields.GetValueOrDefault("master-link-status") == "ok"
                            && upstream == Volatile.Read(ref _master)
                            && !flags.Contains("s_down") && !flags.Contains("disconnected");
                    }
                }

                return false;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Ask the next sentinel.
            }
        }

        return false;
    }
}
