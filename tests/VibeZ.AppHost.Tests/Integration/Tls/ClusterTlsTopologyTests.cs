namespace VibeZ.AppHost.Tests.Integration.Tls;

[Collection(IntegrationCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ClusterTlsTopologyTests(ClusterTlsTopologyTests.Fixture topology) : TlsTopologyTests(topology), IClassFixture<ClusterTlsTopologyTests.Fixture>
{
    public sealed class Fixture() : TlsTopologyFixture(RedisTopologyKind.Cluster, RedisRuntime.Process, portOffset: 1330);
}
