namespace VibeZ.AppHost.Tests.Integration.Tls;

[Collection(IntegrationCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ClusterContainerTlsTopologyTests(ClusterContainerTlsTopologyTests.Fixture topology) : TlsTopologyTests(topology), IClassFixture<ClusterContainerTlsTopologyTests.Fixture>
{
    public sealed class Fixture() : TlsTopologyFixture(RedisTopologyKind.Cluster, RedisRuntime.Container, portOffset: 1370);
}
