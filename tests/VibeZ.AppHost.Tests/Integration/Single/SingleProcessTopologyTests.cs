using VibeZ.AppHost.Tests.Infrastructure;

namespace VibeZ.AppHost.Tests.Integration.Single;

[Collection(IntegrationCollection.Name)]
[TestCaseOrderer(typeof(DisruptiveTestsLast))]
[Trait("Category", "Integration")]
public sealed class SingleProcessTopologyTests(SingleProcessTopologyTests.Fixture topology) : TopologyTests(topology), IClassFixture<SingleProcessTopologyTests.Fixture>
{
    public sealed class Fixture() : TopologyFixture(RedisTopologyKind.Single, RedisRuntime.Process, portOffset: 1010);
}
