using VibeZ.AppHost.Tests.Infrastructure;

namespace VibeZ.AppHost.Tests.Integration.Sentinel;

[Collection(IntegrationCollection.Name)]
[TestCaseOrderer(typeof(DisruptiveTestsLast))]
[Trait("Category", "Integration")]
public sealed class SentinelProcessTopologyTests(SentinelProcessTopologyTests.Fixture topology) : SentinelTopologyTests(topology), IClassFixture<SentinelProcessTopologyTests.Fixture>
{
    public sealed class Fixture() : TopologyFixture(RedisTopologyKind.Sentinel, RedisRuntime.Process, portOffset: 1110);
}
