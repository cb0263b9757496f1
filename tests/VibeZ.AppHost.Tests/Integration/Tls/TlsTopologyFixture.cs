namespace VibeZ.AppHost.Tests.Integration.Tls;

/// <summary>A topology started with <c>VibeZ:Redis:Tls=true</c>, for <see cref="TlsTopologyTests"/>.</summary>
public abstract class TlsTopologyFixture(RedisTopologyKind kind, RedisRuntime runtime, int portOffset) : TopologyFixture(kind, runtime, portOffset)
{
    protected override IEnumerable<string> MoreArguments => ["--VibeZ:Redis:Tls=true"];
}
