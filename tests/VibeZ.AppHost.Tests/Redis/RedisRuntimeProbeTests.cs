using Microsoft.Extensions.DependencyInjection;
using VibeZ.AppHost.Tests.Infrastructure;

namespace VibeZ.AppHost.Tests.Redis;

/// <summary>
/// When the machine is asked what it can run: never while the model is built. An explicit runtime is checked when the
/// application starts, and auto is chosen then, through the <see cref="IRedisRuntimeProbe"/> the application registered.
/// </summary>
public class RedisRuntimeProbeTests
{
    private static RedisTopologySettings Settings(RedisRuntime runtime) => new()
    {
        Runtime = runtime,
        DataDirectory = Path.Combine(Path.GetTempPath(), "vibez-probe-test"),
    };

    [Theory]
    [InlineData(RedisRuntime.Process)]
    [InlineData(RedisRuntime.Container)]
    public void AnExplicitRuntimeBuildsTheModelWithoutAskingTheMachine(RedisRuntime runtime)
    {
        var machine = new CountingProbe();
        var builder = Builder(machine);

        builder.AddRedisSentinel("redis", Settings(runtime));

        Assert.Equal(0, machine.Calls);
        Assert.Equal(runtime, builder.Resources.OfType<RedisTopologyResource>().Single().Runtime);
    }

    [Fact]
    public async Task AutoAsksTheRegisteredProbeOnlyWhenTheApplicationStartsAndAddsNodesOfTheChosenKindThen()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var machine = new CountingProbe { RedisServer = true };
        var dataDirectory = Path.Combine(Path.GetTempPath(), "vibez-probe-test", Guid.NewGuid().ToString("N"));
        await using var appHost = await AppHostModel.CreateAsync(
            AppHostArguments.For(RedisTopologyKind.Sentinel, RedisRuntime.Auto, 0, $"--VibeZ:Redis:DataDirectory={dataDirectory}"));
        appHost.Services.AddSingleton<IRedisRuntimeProbe>(machine);
        var topology = appHost.Resources.OfType<RedisTopologyResource>().Single();

        Assert.Equal(0, machine.Calls);
        Assert.Equal(RedisRuntime.Auto, topology.Runtime);
        Assert.Empty(appHost.Resources.OfType<IRedisNodeResource>());

        // The AppHost's own Run raises BeforeStartEvent once the application is built; this subscriber runs after the
        // topology's, and then stops the start there, so nothing runs and the testing host does not wait to shut down.
        var beforeStart = new TaskCompletionSource<DistributedApplicationModel>(TaskCreationOptions.RunContinuationsAsynchronously);
        appHost.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            beforeStart.TrySetResult(e.Model);
            throw new OperationCanceledException("A model test stops the application after BeforeStartEvent.");
        });
        try
        {
            await using var app = await appHost.BuildAsync(cancellationToken);
            var model = await TestWait.For(beforeStart.Task, TestTimeouts.BuildModel, "BeforeStartEvent, which the AppHost raises once the application is built", () => $"{machine.Calls} calls to the probe");

            Assert.NotEqual(0, machine.Calls);
            Assert.Equal(RedisRuntime.Process, topology.Runtime);
            Assert.Equal(topology.Nodes.Select(n => n.Name), model.Resources.OfType<RedisProcessNodeResource>().Select(n => n.Name));
            Assert.Empty(model.Resources.OfType<RedisContainerNodeResource>());

            // Added at start, each node still gets what one added while building gets: its endpoint, its health check,
            // its parent, and on data nodes the fault commands.
            Assert.All(model.Resources.OfType<RedisProcessNodeResource>(), node =>
            {
                Assert.Equal(node.Node.Port, Assert.Single(node.Annotations.OfType<EndpointAnnotation>(), e => e.Name == "tcp").Port);
                Assert.Equal($"{node.Name}_check", Assert.Single(node.Annotations.OfType<HealthCheckAnnotation>()).Key);
                Assert.Contains(node.Annotations.OfType<ResourceRelationshipAnnotation>(), r => r.Type == "Parent" && r.Resource == topology);
                Assert.Equal(node.Node.IsDataNode, node.Annotations.OfType<ResourceCommandAnnotation>().Any(c => c.Name == "redis-crash"));
            });
            Assert.Contains(model.Resources.Single(r => r.Name == "gateway").Annotations.OfType<WaitAnnotation>(), w => w.Resource == topology);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task AMissingRedisServerStopsTheStartNamingTheSetting()
    {
        var machine = new CountingProbe { RedisServer = false };

        var error = await StartAsync(AppHostArguments.For(RedisTopologyKind.Single, RedisRuntime.Process), machine);

        Assert.Contains("VibeZ:Redis:Runtime is 'process', but redis-server is not on PATH", error);
        Assert.Equal(1, machine.Calls);
    }

    [Fact]
    public async Task AContainerRuntimeThatDoesNotAnswerStopsTheStartNamingTheSettings()
    {
        var machine = new CountingProbe { ContainerRuntime = false };

        var error = await StartAsync(AppHostArguments.For(RedisTopologyKind.Sentinel, RedisRuntime.Container), machine);

        Assert.Contains("VibeZ:Redis:Runtime is 'container', but the container runtime podman did not answer", error);
        Assert.Contains("ASPIRE_CONTAINER_RUNTIME", error);
        Assert.Equal(1, machine.Calls);
    }

    [Fact]
    public void ANetworkCheckThatPassedIsNotRunAgainInTheProcessAndOneThatFailedIs()
    {
        // A fresh image name per run, so no other probe of this process has checked it.
        var image = $"localhost/vibez-probe-test:{Guid.NewGuid():N}";
        var passing = new List<string>();
        var failing = new List<string>();

        var first = new RedisRuntimeProbe(Recording(passing, succeeds: true), remembersPassedChecks: true).CheckContainerNetwork("podman", image);
        var runsForOneCheck = passing.Count;
        var second = new RedisRuntimeProbe(Recording(passing, succeeds: true), remembersPassedChecks: true).CheckContainerNetwork("podman", image);
        var failed = new RedisRuntimeProbe(Recording(failing, succeeds: false), remembersPassedChecks: true).CheckContainerNetwork("docker", image);
        new RedisRuntimeProbe(Recording(failing, succeeds: false), remembersPassedChecks: true).CheckContainerNetwork("docker", image);

        Assert.Null(first);
        Assert.Null(second);
        Assert.True(runsForOneCheck > 0, "the first check ran no program");
        Assert.True(passing.Count == runsForOneCheck, $"the second probe ran the check again: {string.Join("; ", passing.Skip(runsForOneCheck))}");
        Assert.NotNull(failed);
        Assert.True(failing.Count(call => call.Contains(" network create ", StringComparison.Ordinal)) == 2, $"a failed check was not run again: {string.Join("; ", failing)}");
    }

    // A machine whose every program succeeds, or fails, and records what it was asked; a network it created exists.
    private static Func<string, string[], ProgramRun> Recording(List<string> asked, bool succeeds) => (file, args) =>
    {
        asked.Add(string.Join(' ', [file, .. args]));
        return args is ["network", "inspect", ..] ? new ProgramRun(succeeds ? 0 : 1, "10.89.7.0/24 ", "") : new ProgramRun(succeeds ? 0 : 1, "", succeeds ? "" : "refused");
    };

    // Builds the AppHost's model, puts the fake machine in place of the real one, starts, and returns why it failed.
    private static async Task<string> StartAsync(string[] args, IRedisRuntimeProbe machine)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var appHost = await AppHostModel.CreateAsync(args);
        appHost.Services.AddSingleton(machine);

        await using var app = await appHost.BuildAsync(cancellationToken);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync(cancellationToken).WaitAsync(TestTimeouts.StartTopology, cancellationToken));
        return ExceptionMessages.Flatten(error);
    }

    // A builder with the container runtime named, and the fake machine registered before any topology.
    private static IDistributedApplicationBuilder Builder(IRedisRuntimeProbe machine)
    {
        var builder = DistributedApplication.CreateBuilder([AppHostModel.ContainerRuntime]);
        builder.Services.AddSingleton(machine);
        return builder;
    }

    // A machine that answers as told and counts what it was asked; each question stands for a program started.
    private sealed class CountingProbe : IRedisRuntimeProbe
    {
        private int _calls;

        public bool ContainerRuntime { get; init; }

        public bool RedisServer { get; init; }

        public int Calls => _calls;

        public bool ContainerRuntimeAnswers(string containerRuntime) => Count(ContainerRuntime);

        public bool HasImage(string containerRuntime, string image) => Count(false);

        public string? CheckContainerNetwork(string containerRuntime, string image) => Count(false) ? null : "not asked in these tests";

        public bool HasRedisServer() => Count(RedisServer);

        private bool Count(bool answer)
        {
            Interlocked.Increment(ref _calls);
            return answer;
        }
    }
}
