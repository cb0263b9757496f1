using VibeZ.AppHost.Tests.Infrastructure;
using VibeZ.AppHost.Tests.Integration.Dashboard;

namespace VibeZ.AppHost.Tests.Integration.Sentinel;

/// <summary>The sentinel topology as local processes, with Aspire's dashboard running, as <c>eng/run.sh</c> starts it.</summary>
[Collection(IntegrationCollection.Name)]
[TestCaseOrderer(typeof(DisruptiveTestsLast))]
[Trait("Category", "Integration")]
public sealed class SentinelProcessTopologyTests(SentinelProcessTopologyTests.Fixture topology) : SentinelTopologyTests(topology), IClassFixture<SentinelProcessTopologyTests.Fixture>
{
    /// <summary>See <see cref="DashboardTrace"/>. Named to run before the crash test, on a topology that has not failed over yet.</summary>
    [Fact]
    [Trait(DisruptiveTestsLast.Trait, "true")]
    public Task ABrowserFindsAForcedFailoverUnderTheDashboardsTracesWithOldAndNewMasterAndADuration() =>
        DashboardTrace.AssertAForcedFailoverIsTracedAsync(topology);

    public sealed class Fixture() : DashboardTopologyFixture(RedisTopologyKind.Sentinel, RedisRuntime.Process, portOffset: 1110);
}
