using System.Text;
using Microsoft.Extensions.DependencyInjection;
using VibeZ.AppHost.Tests.Infrastructure;

namespace VibeZ.AppHost.Tests.Integration;

/// <summary>
/// Starts the real AppHost with one topology (real Redis, real Gateway and Worker) and shares it between the tests of
/// a class. Failover settings are short, as the document's failover tests want them, but not so short that a busy
/// 2-core machine fails over by itself.
/// </summary>
public abstract class TopologyFixture(RedisTopologyKind kind, RedisRuntime runtime, int portOffset) : IAsyncLifetime
{
    private DistributedApplication? _app;

    public RedisTopologyKind Kind { get; } = kind;

    public RedisRuntime Runtime { get; } = runtime;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The topology has not started.");

    public RedisTopologyResource Topology => App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<RedisTopologyResource>().Single();

    public string Password { get; private set; } = "";

    public ResourceNotificationService Notifications => App.Services.GetRequiredService<ResourceNotificationService>();

    public HttpClient CreateClient(string service) => App.CreateHttpClient(service, "http");

    /// <summary>Runs one command on one node through its published port on 127.0.0.1.</summary>
    public Task<string> QueryAsync(RedisNode node, params string[] command) =>
        RedisProbe.QueryAsync(node.Port, Password, command, TestContext.Current.CancellationToken);

    /// <summary>Crashes a node the way the document's failover tests do (DEBUG SEGFAULT) and waits until Aspire sees it exit.</summary>
    public async Task CrashAsync(RedisNode node)
    {
        try
        {
            await QueryAsync(node, "DEBUG", "SEGFAULT");
        }
        catch (RedisProbeException)
        {
            // The node dies before it can answer: that is the point.
        }

        await Wait.UntilAsync(() => Task.FromResult(Notifications.TryGetCurrentState(node.Name, out var s) && s.Snapshot.State?.Text is "Exited" or "Finished"),
            TimeSpan.FromSeconds(30), $"{node.Name} to be seen as exited", States);
    }

    /// <summary>Starts a stopped node with the command the dashboard's start button runs.</summary>
    public async Task StartFromDashboardAsync(RedisNode node)
    {
        var resource = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == node.Name);
        var result = await App.Services.GetRequiredService<ResourceCommandService>()
            .ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, TestContext.Current.CancellationToken);
        Assert.True(result.Success, $"starting {node.Name} failed: {result.Message}");
    }

    /// <summary>Waits until a node is a replica whose link to its master is up.</summary>
    public Task WaitUntilReplicaInSyncAsync(RedisNode node) =>
        Wait.UntilAsync(async () =>
        {
            var replication = RedisInfo.Parse(await QueryAsync(node, "INFO", "replication"));
            return replication.Get("role") == "slave" && replication.Get("master_link_status") == "up";
        }, TimeSpan.FromSeconds(60), $"{node.Name} to rejoin as a replica with its link up", States);

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.VibeZ_AppHost>(
            AppHostArguments.For(Kind, Runtime, portOffset,
                "--VibeZ:Redis:DownAfterMilliseconds=2000",
                "--VibeZ:Redis:FailoverTimeoutMilliseconds=3000",
                "--VibeZ:Redis:ClusterNodeTimeoutMilliseconds=3000"),
            cancellationToken).WaitAsync(TestTimeouts.BuildModel, cancellationToken);

        _app = await builder.BuildAsync(cancellationToken);
        await Wait.ForAsync(App.StartAsync(cancellationToken), TestTimeouts.StartTopology, $"the {Kind} topology ({Runtime}) to start", States);
        Password = await Topology.PasswordParameter.GetValueAsync(cancellationToken) ?? "";

        foreach (var resource in new[] { Topology.Name, "gateway", "worker" })
        {
            await Wait.ForAsync(Notifications.WaitForResourceHealthyAsync(resource, cancellationToken), TestTimeouts.StartTopology,
                $"{resource} of the {Kind} topology ({Runtime}) to become healthy", States);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(60));
            await _app.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>What every resource is doing now: its state, health and the health checks' own words.</summary>
    public string States()
    {
        if (_app is null)
        {
            return "(not built)";
        }

        var text = new StringBuilder();
        foreach (var resource in App.Services.GetRequiredService<DistributedApplicationModel>().Resources)
        {
            if (Notifications.TryGetCurrentState(resource.Name, out var state))
            {
                var reports = string.Join("; ", state.Snapshot.HealthReports.Select(r => $"{r.Name}: {r.Status} {r.Description}{r.ExceptionText}"));
                text.Append($"\n  {resource.Name}: {state.Snapshot.State?.Text} health={state.Snapshot.HealthStatus?.ToString() ?? "-"} [{reports}]");
            }
        }

        return text.ToString();
    }
}
