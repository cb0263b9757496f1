using System.Net;
using Microsoft.Extensions.DependencyInjection;
using VibeZ.AppHost.Tests.Infrastructure;

namespace VibeZ.AppHost.Tests.Integration;

/// <summary>
/// The Gateway's replicas, reached on their own addresses: Aspire's proxy in front of them picks one per connection,
/// so only a replica's own address says which process answered.
/// </summary>
public abstract partial class TopologyFixture
{
    /// <summary>
    /// Waits until every Gateway replica runs with an address of its own and returns them, ordered by resource id.
    /// Aspire lists only the proxy's address among a replica's URLs; its own is in the <c>ASPNETCORE_URLS</c> it was given.
    /// </summary>
    public async Task<IReadOnlyList<GatewayReplica>> GatewayReplicasAsync()
    {
        var expected = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == "gateway").GetReplicaCount();
        IReadOnlyList<GatewayReplica> running = [];
        await TestWait.Until(() =>
        {
            running = [.. _latest.Values
                .Where(e => e.Resource.Name == "gateway" && e.Snapshot.State?.Text == KnownResourceStates.Running)
                .Select(e => (e.ResourceId, Address: OwnAddress(e.Snapshot)))
                .Where(r => r.Address is not null)
                .OrderBy(r => r.ResourceId, StringComparer.Ordinal)
                .Select(r => new GatewayReplica(r.ResourceId, r.Address!))];
            return Task.FromResult(running.Count == expected);
        }, TestTimeouts.StartTopology, $"{expected} gateway replicas to run, each with an address of its own in ASPNETCORE_URLS", States);

        return running;
    }

    /// <summary>
    /// Waits until the replica's own <c>/health</c> answers 200. Aspire's health check of the gateway goes through the
    /// proxy, so "gateway is healthy" means only that the replica the proxy picked was.
    /// </summary>
    public async Task WaitUntilHealthyAsync(GatewayReplica replica)
    {
        using var client = replica.CreateClient();
        var answer = "no answer yet";
        await TestWait.Until(async () =>
        {
            using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
            answer = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}";
            return response.StatusCode == HttpStatusCode.OK;
        }, TestTimeouts.StartTopology, $"{replica} to answer /health with 200", () => $"/health said {answer}.{States()}");
    }

    private static Uri? OwnAddress(CustomResourceSnapshot snapshot) =>
        snapshot.EnvironmentVariables.FirstOrDefault(v => v.Name == "ASPNETCORE_URLS")?.Value?.Split(';')
            .FirstOrDefault(url => url.StartsWith("http://", StringComparison.Ordinal)) is { } url ? new Uri(url) : null;
}
