using VibeZ.AppHost.Tests.Integration.Tls;

namespace VibeZ.AppHost.Tests.Integration.Single;

/// <summary>
/// The default runtime, auto, on this machine: chosen when the application starts, with the nodes added then, and
/// without <c>ASPIRE_CONTAINER_RUNTIME</c>, so containers run on the runtime the orchestrator picks for itself. With
/// TLS on: where a container runtime works, auto picks it, so this is also the single container topology over TLS.
/// </summary>
[Collection(IntegrationCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SingleAutoTopologyTests(SingleAutoTopologyTests.Fixture topology) : TlsTopologyTests(topology), IClassFixture<SingleAutoTopologyTests.Fixture>
{
    public sealed class Fixture() : TlsTopologyFixture(RedisTopologyKind.Single, RedisRuntime.Auto, portOffset: 1020);
}
