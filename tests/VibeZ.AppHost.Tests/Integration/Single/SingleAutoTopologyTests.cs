using VibeZ.AppHost.Tests.Infrastructure;

namespace VibeZ.AppHost.Tests.Integration.Single;

/// <summary>
/// The default runtime, auto, on this machine: chosen when the application starts, with the nodes added then, and
/// without <c>ASPIRE_CONTAINER_RUNTIME</c>, so containers run on the runtime the orchestrator picks for itself.
/// </summary>
[Collection(IntegrationCollection.Name)]
[TestCaseOrderer(typeof(DisruptiveTestsLast))]
[Trait("Category", "Integration")]
public sealed class SingleAutoTopologyTests(SingleAutoTopologyTests.Fixture topology) : TopologyTests(topology), IClassFixture<SingleAutoTopologyTests.Fixture>
{
    public sealed class Fixture() : TopologyFixture(RedisTopologyKind.Single, RedisRuntime.Auto, portOffset: 1020);
}
