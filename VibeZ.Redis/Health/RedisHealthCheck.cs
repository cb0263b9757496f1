using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;
using VibeZ.Redis.Configuration;
using VibeZ.Redis.Connection;

namespace VibeZ.Redis.Health;

/// <summary>
/// Asks the question each mode answers differently: does the server answer, does the primary the sentinels
/// name answer, is the cluster whole. A Redis that answers but whose master is near its <c>maxmemory</c> is Degraded.
/// </summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer multiplexer, RedisConnector connector, RedisConnectionSettings settings) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // StackExchange.Redis calls take no token; WaitAsync lets the health check's own timeout win.
            return await (settings.Mode switch
            {
                RedisMode.Sentinel => CheckSentinelPrimaryAsync(),
                RedisMode.Cluster => CheckClusterAsync(),
                _ => CheckSingleAsync(),
            }).WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or OperationCanceledException or ArgumentException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"Redis ({settings.Mode}) did not answer: {ex.Message}", ex);
        }
    }

    private async Task<HealthCheckResult> CheckSingleAsync()
    {
        var latency = await multiplexer.GetDatabase().PingAsync();
        return await WithMemoryAsync(
            HealthCheckResult.Healthy($"PING answered in {latency.TotalMilliseconds:0.#} ms."),
            multiplexer.GetServers().Where(server => server.IsConnected));
    }

    private async Task<HealthCheckResult> CheckSentinelPrimaryAsync()
    {
        var serviceName = settings.SentinelServiceName!;
        if (connector.Sentinels is not IConnectionMultiplexer sentinels)
        {
            return HealthCheckResult.Unhealthy("Not connected to any sentinel yet.");
        }

        foreach (var endPoint in sentinels.GetEndPoints())
        {
            var sentinel = sentinels.GetServer(endPoint);
            if (!sentinel.IsConnected)
            {
                continue;
            }

            if (await sentinel.SentinelGetMasterAddressByNameAsync(serviceName) is not { } primary)
            {
                continue;
            }

            // GetServer throws ArgumentException for an endpoint this multiplexer does not know: a switch not yet followed.
            var server = multiplexer.GetServer(primary);
            var latency = await server.PingAsync();
            return await WithMemoryAsync(
                HealthCheckResult.Healthy($"Primary {RedisEndPointFormatter.Format(primary)} of '{serviceName}' answered PING in {latency.TotalMilliseconds:0.#} ms."),
                [server]);
        }

        return HealthCheckResult.Unhealthy($"No connected sentinel named a primary for '{serviceName}'.");
    }

    private async Task<HealthCheckResult> CheckClusterAsync()
    {
        foreach (var server in multiplexer.GetServers())
        {
            if (!server.IsConnected)
            {
                continue;
            }

            var info = (await server.ExecuteAsync("CLUSTER", "INFO")).ToString();
            var state = info.Split('\n').Select(line => line.Trim()).FirstOrDefault(line => line.StartsWith("cluster_state:", StringComparison.Ordinal));
            return state == "cluster_state:ok"
                ? await WithMemoryAsync(
                    HealthCheckResult.Healthy($"CLUSTER INFO on {RedisEndPointFormatter.Format(server.EndPoint)} says cluster_state:ok."),
                    multiplexer.GetServers().Where(s => s.IsConnected && !s.IsReplica))
                : HealthCheckResult.Unhealthy($"CLUSTER INFO on {RedisEndPointFormatter.Format(server.EndPoint)} says '{state ?? "no cluster_state"}'.");
        }

        return HealthCheckResult.Unhealthy("No cluster node is connected.");
    }

    /// <summary>
    /// Turns a healthy answer Degraded when a master that takes writes is near its <c>maxmemory</c>: with
    /// <c>noeviction</c> it will soon refuse every write, and the reason says which node and how full it is.
    /// </summary>
    private static async Task<HealthCheckResult> WithMemoryAsync(HealthCheckResult healthy, IEnumerable<IServer> masters)
    {
        var near = new List<string>();
        foreach (var server in masters)
        {
            if (RedisMemoryPressure.From(server.EndPoint, await server.InfoAsync("memory")) is { IsNearLimit: true } pressure)
            {
                near.Add(pressure.Describe());
            }
        }

        return near.Count == 0 ? healthy : HealthCheckResult.Degraded($"{healthy.Description} Memory: {string.Join(" ", near)}");
    }
}
