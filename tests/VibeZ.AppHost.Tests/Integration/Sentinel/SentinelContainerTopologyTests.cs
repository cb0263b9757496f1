using VibeZ.AppHost.Tests.Infrastructure;
using VibeZ.AppHost.Tests.Integration.Tls;

namespace VibeZ.AppHost.Tests.Integration.Sentinel;

/// <summary>
/// The sentinel topology in containers, over TLS (<c>VibeZ:Redis:Tls=true</c>): the nodes dial each other by container name or
/// fixed address and the services dial the names the nodes announce, so every test here also checks each kind of link
/// against the certificate. Without TLS the sentinel topology runs as processes (<see cref="SentinelProcessTopologyTests"/>).
/// </summary>
[Collection(IntegrationCollection.Name)]
[TestCaseOrderer(typeof(DisruptiveTestsLast))]
[Trait("Category", "Integration")]
public sealed class SentinelContainerTopologyTests(SentinelContainerTopologyTests.Fixture topology) : SentinelTopologyTests(topology), IClassFixture<SentinelContainerTopologyTests.Fixture>
{
    public sealed class Fixture() : TlsTopologyFixture(RedisTopologyKind.Sentinel, RedisRuntime.Container, portOffset: 1100);
}
