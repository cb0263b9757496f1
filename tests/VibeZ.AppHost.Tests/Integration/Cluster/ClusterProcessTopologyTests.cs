using VibeZ.AppHost.Tests.Infrastructure;

namespace VibeZ.AppHost.Tests.Integration.Cluster;

[Collection(IntegrationCollection.Name)]
[TestCaseOrderer(typeof(DisruptiveTestsLast))]
[Trait("Category", "Integration")]
public sealed class ClusterProcessTopologyTests(ClusterProcessTopologyTests.Fixture topology) : ClusterTopologyTests(topology), IClassFixture<ClusterProcessTopologyTests.Fixture>
{
    public sealed class Fixture() : TopologyFixture(RedisTopologyKind.Cluster, RedisRuntime.Process, portOffset: 1210);
}
