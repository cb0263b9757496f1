namespace VibeZ.AppHost.Tests.Integration;

[Collection(IntegrationCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SentinelTlsTopologyTests(SentinelTlsTopologyTests.Fixture topology) : TlsTopologyTests(topology), IClassFixture<SentinelTlsTopologyTests.Fixture>
{
    public sealed class Fixture() : TopologyFixture(RedisTopologyKind.Sentinel, RedisRuntime.Process, portOffset: 1310)
    {
        protected override IEnumerable<string> MoreArguments => ["--VibeZ:Redis:Tls=true"];
    }
}
