using VibeZ.Gateway.Tests.Guarantees.Checker;
using VibeZ.Gateway.Tests.Guarantees.Faults;
using VibeZ.Gateway.Tests.Guarantees.Observations;
using VibeZ.Gateway.Tests.Guarantees.Traffic;
using VibeZ.Gateway.Tests.Infrastructure;
using VibeZ.Gateway.Tests.Integration;

namespace VibeZ.Gateway.Tests.Guarantees;

/// <summary>
/// The adversarial suite of issue 10: on a fresh topology per run, traffic from four publishers and four subscribers
/// over both Gateways, WebSocket and HTTP, three channels; one fault; then <see cref="GuaranteeChecker"/> on everything
/// clients saw. CI runs faults 1, 3, 7 and 8 in both modes (Category=Integration); the rest of the matrix is
/// Category=FaultMatrix. Each run writes its figures to <c>artifacts/fault-suite/</c> for <c>docs/failover.md</c>.
/// </summary>
[Collection(GatewayIntegration.Name)]
public sealed class FaultSuiteTests
{
    private const int ChannelCount = 3;

    // Traffic before the fault, so every subscriber has a position to lose; and after it, so acks must have resumed.
    private static readonly TimeSpan BeforeFault = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan AfterRecovery = TimeSpan.FromSeconds(4);

    // The resuming subscribers drop their connections this long into the fault, while it is still under way.
    private static readonly TimeSpan ResumeIntoFault = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FaultTimeout = TimeSpan.FromSeconds(90);

    public static TheoryData<FaultKind, string> CiRuns => FaultCatalog.Ci;

    public static TheoryData<FaultKind, string> MatrixRuns => FaultCatalog.Rest;

    [Theory]
    [Trait("Category", "Integration")]
    [MemberData(nameof(CiRuns))]
    public Task EveryGuaranteeHoldsThroughACiFault(FaultKind fault, string mode) => RunAsync(FaultCatalog.Of(fault), mode);

    [Theory]
    [Trait("Category", "FaultMatrix")]
    [MemberData(nameof(MatrixRuns))]
    public Task EveryGuaranteeHoldsThroughTheRestOfTheMatrix(FaultKind fault, string mode) => RunAsync(FaultCatalog.Of(fault), mode);

    private static async Task RunAsync(Fault fault, string mode)
    {
        await using var topology = await GatewayTopology.StartAsync(mode, fault.ReplicasPerMaster);
        var shard = await ShardUnderTest.FindAsync(topology, ChannelCount);
        var history = new History(TimeProvider.System);
        var name = $"{fault.Number}-{mode}";
        GuaranteeReport report;
        try
        {
            await RunTrafficThroughAsync(fault, topology, shard, history);
            report = GuaranteeChecker.Check(history.Snapshot(), fault.Expectations);
        }
        catch
        {
            await RunArtifacts.WriteHistoryAsync(name, history);
            throw;
        }

        var summary = $"fault {fault.Number} ({fault.Description}), {mode}: {report.Describe()}";
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        await RunArtifacts.WriteAsync(name, report.TableRow($"{fault.Number} {fault.Description}", mode), summary, history);
        Assert.True(report.Violations.Count == 0,
            $"{summary}\n--- Gateway A, last lines ---\n{Tail(topology.First.Output)}\n--- Gateway B, last lines ---\n{Tail(topology.Second.Output)}");
    }

    private static async Task RunTrafficThroughAsync(Fault fault, GatewayTopology topology, ShardUnderTest shard, History history)
    {
        await using var traffic = new TrafficGenerator(history, [topology.First, topology.Second], shard.Channels);
        await traffic.StartAsync();
        await Task.Delay(BeforeFault, TestContext.Current.CancellationToken);

        var injecting = fault.InjectAsync(new FaultRun(topology, shard, history));
        await Task.Delay(ResumeIntoFault, TestContext.Current.CancellationToken);
        await traffic.ResumeSubscribersAsync();
        try
        {
            await injecting.WaitAsync(FaultTimeout, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"Fault {fault.Number} ({fault.Description}, {topology.Mode}) did not end within {FaultTimeout.TotalSeconds:0} s.\n{topology.Logs}", ex);
        }

        await Task.Delay(AfterRecovery, TestContext.Current.CancellationToken);
        await traffic.StopAsync();
    }

    private static string Tail(string log) => string.Join("\n", log.Split('\n').TakeLast(40));
}
