namespace VibeZ.AppHost.Tests.Integration.Tls;

[Collection(IntegrationCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SingleTlsTopologyTests(SingleTlsTopologyTests.Fixture topology) : TlsTopologyTests(topology), IClassFixture<SingleTlsTopologyTests.Fixture>
{
    public sealed class Fixture() : TlsTopologyFixture(RedisTopologyKind.Single, RedisRuntime.Process, portOffset: 1300);
}
