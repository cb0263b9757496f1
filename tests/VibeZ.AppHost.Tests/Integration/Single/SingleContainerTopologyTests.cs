using VibeZ.AppHost.Tests.Infrastructure;

namespace VibeZ.AppHost.Tests.Integration.Single;

[Collection(IntegrationCollection.Name)]
[TestCaseOrderer(typeof(DisruptiveTestsLast))]
[Trait("Category", "Integration")]
public sealed class SingleContainerTopologyTests(SingleContainerTopologyTests.Fixture topology) : TopologyTests(topology), IClassFixture<SingleContainerTopologyTests.Fixture>
{
    public sealed class Fixture() : TopologyFixture(RedisTopologyKind.Single, RedisRuntime.Container, portOffset: 1000);
}
