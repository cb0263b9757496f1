using VibeZ.AppHost.Tests.Infrastructure;
using VibeZ.AppHost.Tests.Integration.Tls;

namespace VibeZ.AppHost.Tests.Integration.Cluster;

/// <summary>
/// The cluster topology in containers, over TLS (<c>VibeZ:Redis:Tls=true</c>): the nodes dial each other by container name or
/// fixed address and the services dial the names the nodes announce, so every test here also checks each kind of link
/// against the certificate. Without TLS the cluster topology runs as processes (<see cref="ClusterProcessTopologyTests"/>).
/// </summary>
[Collection(IntegrationCollection.Name)]
[TestCaseOrderer(typeof(DisruptiveTestsLast))]
[Trait("Category", "Integration")]
public sealed class ClusterContainerTopologyTests(ClusterContainerTopologyTests.Fixture topology) : ClusterTopologyTests(topology), IClassFixture<ClusterContainerTopologyTests.Fixture>
{
    public sealed class Fixture() : TlsTopologyFixture(RedisTopologyKind.Cluster, RedisRuntime.Container, portOffset: 1200);
}
