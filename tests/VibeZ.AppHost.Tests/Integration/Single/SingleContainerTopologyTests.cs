using VibeZ.AppHost.Tests.Infrastructure;

namespace VibeZ.AppHost.Tests.Integration.Single;

/// <summary>
/// The single server in containers, through the default runtime, auto: chosen when the application starts, with the
/// nodes added then, and without <c>ASPIRE_CONTAINER_RUNTIME</c>, so the containers run on the runtime the orchestrator
/// picks for itself. A test run needs a container runtime and the local image (<c>eng/install.sh --containers</c>), and
/// where they are, auto picks containers: a machine where it does not fails <see cref="AutoPicksContainersWhereTheyRun"/>.
/// </summary>
[Collection(IntegrationCollection.Name)]
[TestCaseOrderer(typeof(DisruptiveTestsLast))]
[Trait("Category", "Integration")]
public sealed class SingleContainerTopologyTests(SingleContainerTopologyTests.Fixture topology) : TopologyTests(topology), IClassFixture<SingleContainerTopologyTests.Fixture>
{
    [Fact]
    public void AutoPicksContainersWhereTheyRun() =>
        Assert.True(Topology.Topology.Runtime is RedisRuntime.Container,
            $"auto chose {Topology.Topology.Runtime} on a machine that has a container runtime and the image {AppHostArguments.Image}; resources:{Topology.States()}");

    public sealed class Fixture() : TopologyFixture(RedisTopologyKind.Single, RedisRuntime.Auto, portOffset: 1000);
}
