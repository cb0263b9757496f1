namespace VibeZ.AppHost.Tests.Integration;

[Collection(IntegrationCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SingleTlsTopologyTests(SingleTlsTopologyTests.Fixture topology) : TlsTopologyTests(topology), IClassFixture<SingleTlsTopologyTests.Fixture>
{
    public sealed class Fixture() : TopologyFixture(RedisTopologyKind.Single, RedisRuntime.Process, portOffset: 1300)
    {
        protected override IEnumerable<string> MoreArguments => ["--VibeZ:Redis:Tls=true"];
    }
}
