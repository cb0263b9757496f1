using VibeZ.AppHost.Tests.Infrastructure;

namespace VibeZ.AppHost.Tests.Integration.Sentinel;

[Collection(IntegrationCollection.Name)]
[TestCaseOrderer(typeof(DisruptiveTestsLast))]
[Trait("Category", "Integration")]
public sealed class SentinelContainerTopologyTests(SentinelContainerTopologyTests.Fixture topology) : SentinelTopologyTests(topology), IClassFixture<SentinelContainerTopologyTests.Fixture>
{
    public sealed class Fixture() : TopologyFixture(RedisTopologyKind.Sentinel, RedisRuntime.Container, portOffset: 1100);
}
