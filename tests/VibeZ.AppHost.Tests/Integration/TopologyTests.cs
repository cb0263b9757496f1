using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using VibeZ.AppHost.Tests.Infrastructure;

namespace VibeZ.AppHost.Tests.Integration;

/// <summary>What every started topology must do, in containers and as local processes alike.</summary>
public abstract partial class TopologyTests(TopologyFixture topology)
{
    protected TopologyFixture Topology { get; } = topology;

    [Fact]
    public async Task EveryNodeBecomesHealthyForItsRole()
    {
        // The topology is ready before the orchestrator has seen every container as running, so wait for each node.
        foreach (var node in Topology.Topology.Nodes)
        {
            await TestWait.For(Topology.Notifications.WaitForResourceHealthyAsync(node.Name, TestContext.Current.CancellationToken),
                TimeSpan.FromSeconds(30), $"{node.Name} to be healthy", Topology.States);
        }
    }

    [Fact]
    public void NodesRunInTheRequestedRuntime()
    {
        var model = Topology.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<IRedisNodeResource>().ToList();

        // Auto is resolved when the application starts, to one of the two.
        Assert.NotEqual(RedisRuntime.Auto, Topology.Topology.Runtime);
        Assert.Equal(Topology.Runtime is RedisRuntime.Auto ? Topology.Topology.Runtime : Topology.Runtime, Topology.Topology.Runtime);
        Assert.NotEmpty(model);
        Assert.All(model, node => Assert.IsType(Topology.Topology.Runtime is RedisRuntime.Container ? typeof(RedisContainerNodeResource) : typeof(RedisProcessNodeResource), node));
    }

    [Theory]
    [InlineData("gateway")]
    [InlineData("worker")]
    public Task ServicesReportRedisHealthy(string service) => TopologyChecks.AssertServiceReportsRedisHealthyAsync(Topology, service);

    [Fact]
    public Task EveryNodeSpeaksOnlyItsTransportAndServesTheServicesUser() => TopologyChecks.AssertEveryNodeSpeaksOnlyItsTransportAsync(Topology);

    [Fact]
    public async Task AValueWrittenThroughTheGatewaysConnectionIsReadThroughTheWorkers()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var gateway = Topology.CreateClient("gateway");
        using var worker = Topology.CreateClient("worker");

        // Keys land on different slots, so in cluster mode more than one master is written through.
        foreach (var key in Enumerable.Range(0, 8).Select(i => $"{Topology.Kind}-{Guid.NewGuid():N}-{i}"))
        {
            var value = $"written-through-gateway-{key}";
            var put = await gateway.PutAsync($"/diagnostics/redis/values/{key}", new StringContent(value), cancellationToken).WaitAsync(TestTimeouts.Request, cancellationToken);
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);

            var read = await worker.GetStringAsync($"/diagnostics/redis/values/{key}", cancellationToken).WaitAsync(TestTimeouts.Request, cancellationToken);
            Assert.Equal(value, read);
        }
    }

    [Theory]
    [InlineData("gateway")]
    [InlineData("worker")]
    public async Task EveryEndpointAServiceDialsIsOnLoopback(string service)
    {
        using var client = Topology.CreateClient(service);

        var diagnostics = await client.GetFromJsonAsync<RedisDiagnostics>("/diagnostics/redis", TestContext.Current.CancellationToken)
            .WaitAsync(TestTimeouts.Request, TestContext.Current.CancellationToken);

        Assert.NotNull(diagnostics);
        Assert.Equal(Topology.Kind.ToString().ToLowerInvariant(), diagnostics.Mode);
        Assert.Contains(diagnostics.Endpoints, e => e.Connected);
        Assert.All(diagnostics.Endpoints, e => Assert.StartsWith($"{RedisTopologyResource.HostAddress}:", e.Dialed));
        if (Topology.Topology.Runtime is RedisRuntime.Container && Topology.Kind is not RedisTopologyKind.Single)
        {
            // Proof the NAT map was needed and used: nodes announce addresses the host cannot dial as they are.
            Assert.Contains(diagnostics.Endpoints, e => !e.Announced.StartsWith($"{RedisTopologyResource.HostAddress}:", StringComparison.Ordinal));
        }
    }

    protected sealed record RedisDiagnostics(
        [property: JsonPropertyName("mode")] string Mode,
        [property: JsonPropertyName("endpoints")] IReadOnlyList<RedisEndpoint> Endpoints);

    protected sealed record RedisEndpoint(
        [property: JsonPropertyName("announced")] string Announced,
        [property: JsonPropertyName("dialed")] string Dialed,
        [property: JsonPropertyName("connected")] bool Connected);
}
