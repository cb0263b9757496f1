using VibeZ.Bench.Load;
using VibeZ.Bench.Systems;
using VibeZ.Bench.Systems.SignalR;
using VibeZ.Testing.Processes;
using VibeZ.Testing.Redis;

namespace VibeZ.Bench.Scenarios.Failover;

/// <summary>
/// The SignalR peer for <c>failover</c>: two apps whose Redis backplane is given a sentinel-aware StackExchange.Redis
/// configuration string (the sentinels' addresses and <c>serviceName</c>), so the client library finds the master
/// through the sentinels and follows a failover, which is the most a SignalR user can configure. StackExchange.Redis
/// authenticates to the sentinels and the data nodes with one password, so the data nodes' password is added to the
/// sentinels' default user (the sentinels keep their own too).
/// </summary>
internal sealed class SignalRFailoverTarget(SentinelProcesses sentinel, IReadOnlyList<ServiceProcess> apps, string configuration) : IFailoverTarget
{
    public string Name => BenchTopology.SignalR;

    public string Description =>
        $"2 ASP.NET Core SignalR apps, Redis backplane on a sentinel topology (master + {sentinel.Replicas.Count} replica(s) + 3 sentinels), configured with `{configuration}`{BenchTopology.Where(sentinel.Containers)}";

    public static async Task<SignalRFailoverTarget> StartAsync(int replicas, RedisContainers? containers)
    {
        var sentinel = await SentinelProcesses.StartAsync(replicas, containers);
        var apps = new List<ServiceProcess>();
        try
        {
            foreach (var node in sentinel.Sentinels)
            {
                var answer = await RedisCli.RunAsync(node.Port, sentinel.SentinelPassword, "ACL", "SETUSER", "default", "on", ">" + sentinel.Password);
                if (!answer.Trim().Equals("OK", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"sentinel {node.Port} refused the data nodes' password for its default user: {answer}");
                }
            }

            var endpoints = string.Join(",", sentinel.Sentinels.Select(s => $"127.0.0.1:{s.Port}"));
            var configuration = $"{endpoints},serviceName={SentinelProcesses.Service},password=";
            (string, string?)[] settings = [("ASPNETCORE_ENVIRONMENT", "Production"), ("Redis__Configuration", configuration + sentinel.Password)];
            var assembly = ServiceProcess.BuildOutput(Path.Combine("bench", "VibeZ.Bench.SignalRPeer"));
            foreach (var _ in Enumerable.Range(0, 2))
            {
                apps.Add(await ServiceProcess.StartAsync(assembly, "/health", settings, TimeSpan.FromSeconds(60)));
            }

            return new SignalRFailoverTarget(sentinel, apps, configuration + "…");
        }
        catch
        {
            foreach (var app in apps)
            {
                await app.DisposeAsync();
            }

            await sentinel.DisposeAsync();
            throw;
        }
    }

    public Task<string> MasterAddressAsync() => sentinel.MasterAddressAsync();

    public void CrashMaster() => sentinel.Master.Kill();

    public async Task<IAsyncDisposable> SubscribeAsync(int index, string channel, ArrivalLog log, CancellationToken cancellationToken)
    {
        return await SignalRConnections.OpenSubscribedAsync(Hub(index), channel,
            payload => log.Record(Payload.TryRead(payload.AsSpan(), out var fields), fields), cancellationToken);
    }

    public async Task<IFailoverPublisher> ConnectPublisherAsync(string channel, PublishLedger ledger, CancellationToken stop, CancellationToken cancellationToken) =>
        await SignalRFailoverPublisher.ConnectAsync(Hub(0), channel, ledger, stop, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var app in apps)
        {
            await app.DisposeAsync();
        }

        await sentinel.DisposeAsync();
    }

    private Uri Hub(int index) => new(apps[index % apps.Count].BaseAddress, "/hub");
}
