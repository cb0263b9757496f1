namespace VibeZ.AppHost.Tests.Integration.Tls;

[Collection(IntegrationCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SentinelContainerTlsTopologyTests(SentinelContainerTlsTopologyTests.Fixture topology) : TlsTopologyTests(topology), IClassFixture<SentinelContainerTlsTopologyTests.Fixture>
{
    public sealed class Fixture() : TlsTopologyFixture(RedisTopologyKind.Sentinel, RedisRuntime.Container, portOffset: 1350);
}
