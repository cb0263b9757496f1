namespace VibeZ.AppHost.Tests.Integration;

[Collection(IntegrationCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ClusterTlsTopologyTests(ClusterTlsTopologyTests.Fixture topology) : TlsTopologyTests(topology), IClassFixture<ClusterTlsTopologyTests.Fixture>
{
    public sealed class Fixture() : TopologyFixture(RedisTopologyKind.Cluster, RedisRuntime.Process, portOffset: 1330)
    {
        protected override IEnumerable<string> MoreArguments => ["--VibeZ:Redis:Tls=true"];
    }
}
