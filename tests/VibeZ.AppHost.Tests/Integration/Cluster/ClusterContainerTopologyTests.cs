using VibeZ.AppHost.Tests.Infrastructure;

namespace VibeZ.AppHost.Tests.Integration.Cluster;

[Collection(IntegrationCollection.Name)]
[TestCaseOrderer(typeof(DisruptiveTestsLast))]
[Trait("Category", "Integration")]
public sealed class ClusterContainerTopologyTests(ClusterContainerTopologyTests.Fixture topology) : ClusterTopologyTests(topology), IClassFixture<ClusterContainerTopologyTests.Fixture>
{
    public sealed class Fixture() : TopologyFixture(RedisTopologyKind.Cluster, RedisRuntime.Container, portOffset: 1200);
}
