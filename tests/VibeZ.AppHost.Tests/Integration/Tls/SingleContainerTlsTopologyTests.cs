namespace VibeZ.AppHost.Tests.Integration.Tls;

[Collection(IntegrationCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SingleContainerTlsTopologyTests(SingleContainerTlsTopologyTests.Fixture topology) : TlsTopologyTests(topology), IClassFixture<SingleContainerTlsTopologyTests.Fixture>
{
    public sealed class Fixture() : TlsTopologyFixture(RedisTopologyKind.Single, RedisRuntime.Container, portOffset: 1340);
}
