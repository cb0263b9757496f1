using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VibeZ.AppHost.Tests.Infrastructure;
using VibeZ.Redis;

namespace VibeZ.AppHost.Tests.Integration;

/// <summary>
/// Starts the real AppHost with one topology (real Redis, real Gateway and Worker) and shares it between the tests of
/// a class. Failover settings are short, as the failover tests of docs/redis/failover-walkthrough.md want them, but not so short that a busy
/// 2-core machine fails over by itself.
/// </summary>
public abstract partial class TopologyFixture(RedisTopologyKind kind, RedisRuntime runtime, int portOffset) : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, ResourceEvent> _latest = new();
    private readonly CancellationTokenSource _stopWatching = new();
    private DistributedApplication? _app;
    private Task _watching = Task.CompletedTask;

    public RedisTopologyKind Kind { get; } = kind;

    public RedisRuntime Runtime { get; } = runtime;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The topology has not started.");

    public RedisTopologyResource Topology => App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<RedisTopologyResource>().Single();

    public string Password { get; private set; } = "";

    /// <summary>Gets the password of the services' least-privilege user (<see cref="RedisTopologyCredentials.ServiceUser"/>).</summary>
    public string ServicePassword { get; private set; } = "";

    /// <summary>Gets the Gateway's token signing key (the <c>gateway-signing-key</c> parameter), so tests can mint client tokens.</summary>
    public string SigningKey { get; private set; } = "";

    /// <summary>A token for the Gateway that grants every channel.</summary>
    public string GatewayToken() => VibeZ.Testing.Gateway.GatewayTokens.Mint(key: SigningKey);

    public ResourceNotificationService Notifications => App.Services.GetRequiredService<ResourceNotificationService>();

    public HttpClient CreateClient(string service) => App.CreateHttpClient(service, "http");

    /// <summary>Runs one command on one node through its published port on 127.0.0.1.</summary>
    public Task<string> QueryAsync(RedisNode node, params string[] command) =>
        RedisNodeClient.QueryAsync(Topology.NodeAddress(node.Port, Password), command, TestContext.Current.CancellationToken);

    /// <summary>Runs one command on one node as the services' user, the way a service would.</summary>
    public Task<string> QueryAsServiceAsync(RedisNode node, params string[] command) =>
        RedisNodeClient.QueryAsync(Topology.NodeAddress(node.Port, ServicePassword, RedisTopologyCredentials.ServiceUser), command, TestContext.Current.CancellationToken);

    /// <summary>Reads <c>INFO <paramref name="section"/></c> from one node.</summary>
    public async Task<IReadOnlyDictionary<string, string>> InfoAsync(RedisNode node, string section)
    {
        await using var client = Topology.NodeClient(node, Password);
        return await client.InfoAsync(section, TestContext.Current.CancellationToken);
    }

    /// <summary>Reads <c>CLUSTER INFO</c> from one cluster node.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ClusterInfoAsync(RedisNode node)
    {
        await using var client = Topology.NodeClient(node, Password);
        return await client.ClusterInfoAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Reads <c>CLUSTER NODES</c> from one cluster node: the cluster as that node sees it.</summary>
    public async Task<ICollection<StackExchange.Redis.ClusterNode>> ClusterNodesAsync(RedisNode node)
    {
        await using var client = Topology.NodeClient(node, Password);
        return (await client.ClusterNodesAsync(TestContext.Current.CancellationToken)).Nodes;
    }

    /// <summary>Crashes a node the way the failover tests of docs/redis/failover-walkthrough.md do (DEBUG SEGFAULT) and waits until Aspire sees it exit.</summary>
    public async Task CrashAsync(RedisNode node)
    {
        try
        {
            await QueryAsync(node, "DEBUG", "SEGFAULT");
        }
        catch (RedisNodeException)
        {
            // The node dies before it can answer: that is the point.
        }

        await TestWait.Until(() => Task.FromResult(Notifications.TryGetCurrentState(node.Name, out var s) && s.Snapshot.State?.Text is "Exited" or "Finished"),
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
        TestWait.Until(async () =>
        {
            var replication = await InfoAsync(node, "replication");
            return replication.Get("role") == "slave" && replication.Get("master_link_status") == "up";
        }, TimeSpan.FromSeconds(60), $"{node.Name} to rejoin as a replica with its link up", States);

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.VibeZ_AppHost>(
            AppHostArguments.For(Kind, Runtime, portOffset,
            [
                "--VibeZ:Redis:DownAfterMilliseconds=2000",
                "--VibeZ:Redis:FailoverTimeoutMilliseconds=3000",
                "--VibeZ:Redis:ClusterNodeTimeoutMilliseconds=3000",
                .. MoreArguments,
            ]),
            Configure,
            cancellationToken).WaitAsync(TestTimeouts.BuildModelAskingTheMachine, cancellationToken);
        if (!ExportsTelemetry)
        {
            WithoutTelemetryExport(builder);
        }

        _app = await builder.BuildAsync(cancellationToken);
        _watching = WatchAsync(_stopWatching.Token);
        await TestWait.For(App.StartAsync(cancellationToken), TestTimeouts.StartTopology, $"the {Kind} topology ({Runtime}) to start", States);
        Password = await Topology.PasswordParameter.GetValueAsync(cancellationToken) ?? "";
        ServicePassword = await Topology.Credentials.ServicePassword.GetValueAsync(cancellationToken) ?? "";
        SigningKey = await App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ParameterResource>()
            .Single(p => p.Name == "gateway-signing-key").GetValueAsync(cancellationToken) ?? "";

        foreach (var resource in new[] { Topology.Name, "gateway", "worker" })
        {
            await TestWait.For(Notifications.WaitForResourceHealthyAsync(resource, cancellationToken), TestTimeouts.StartTopology,
                $"{resource} of the {Kind} topology ({Runtime}) to become healthy", States);
        }

        // Every test may reach any replica through the proxy, so every replica must be serving, not just one.
        foreach (var replica in await GatewayReplicasAsync())
        {
            await WaitUntilHealthyAsync(replica);
        }
    }

    /// <summary>
    /// Gets whether the services export telemetry to the dashboard's OTLP endpoint. The testing builder leaves the
    /// dashboard off but still hands every service that endpoint; nothing listens there, so their exporters would retry
    /// into it all along and hold up each stop until the orchestrator kills them, 6 s after asking them to stop.
    /// </summary>
    protected virtual bool ExportsTelemetry => false;

    /// <summary>Gets more command-line settings for the AppHost.</summary>
    protected virtual IEnumerable<string> MoreArguments => [];

    /// <summary>Changes how the AppHost is built, e.g. to run the dashboard, which the testing builder leaves off.</summary>
    protected virtual void Configure(DistributedApplicationOptions options, HostApplicationBuilderSettings settings)
    {
    }

    /// <summary>Takes the OTLP endpoint out of every service's environment: the service defaults export only when it is set.</summary>
    private static void WithoutTelemetryExport(IDistributedApplicationTestingBuilder builder)
    {
        foreach (var service in builder.Resources.OfType<ProjectResource>())
        {
            builder.CreateResourceBuilder(service).WithEnvironment(context => context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopWatching.CancelAsync();
        await _watching.WaitAsync(TimeSpan.FromSeconds(10));
        _stopWatching.Dispose();

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
            // A replicated resource has one state per replica, under the replica's resource id.
            var replicas = _latest.Values.Where(e => e.Resource.Name == resource.Name).OrderBy(e => e.ResourceId, StringComparer.Ordinal).ToList();
            if (resource.GetReplicaCount() > 1 && replicas.Count > 0)
            {
                replicas.ForEach(replica => Append(text, $"{replica.ResourceId} ({OwnAddress(replica.Snapshot)?.ToString() ?? "no address yet"})", replica.Snapshot));
            }
            else if (Notifications.TryGetCurrentState(resource.Name, out var state))
            {
                Append(text, resource.Name, state.Snapshot);
            }
        }

        return text.ToString();
    }

    private static void Append(StringBuilder text, string name, CustomResourceSnapshot snapshot)
    {
        var reports = string.Join("; ", snapshot.HealthReports.Select(r => $"{r.Name}: {r.Status} {r.Description}{r.ExceptionText}"));
        text.Append($"\n  {name}: {snapshot.State?.Text} health={snapshot.HealthStatus?.ToString() ?? "-"} [{reports}]");
    }

    /// <summary>Keeps the latest state of every resource, each replica apart, for as long as the application runs.</summary>
    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var resourceEvent in Notifications.WatchAsync(cancellationToken))
            {
                _latest[resourceEvent.ResourceId] = resourceEvent;
            }
        }
        catch (OperationCanceledException)
        {
            // The fixture is being disposed.
        }
    }
}
