namespace VibeZ.AppHost.Tests.Integration.Tls;

[Collection(IntegrationCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SentinelTlsTopologyTests(SentinelTlsTopologyTests.Fixture topology) : TlsTopologyTests(topology), IClassFixture<SentinelTlsTopologyTests.Fixture>
{
    public sealed class Fixture() : TlsTopologyFixture(RedisTopologyKind.Sentinel, RedisRuntime.Process, portOffset: 1310);
}
