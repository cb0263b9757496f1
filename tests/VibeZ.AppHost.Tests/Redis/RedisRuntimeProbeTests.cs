using Microsoft.Extensions.DependencyInjection;
using VibeZ.AppHost.Tests.Infrastructure;

namespace VibeZ.AppHost.Tests.Redis;

/// <summary>
/// When the machine is asked what it can run: an explicit runtime builds the model without asking, and is checked when
/// the application starts, through the <see cref="IRedisRuntimeProbe"/> the application registered.
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
    public void AutoAsksTheRegisteredProbeWhileBuilding()
    {
        var machine = new CountingProbe { RedisServer = true };
        var builder = Builder(machine);

        builder.AddRedisServer("redis", Settings(RedisRuntime.Auto));

        Assert.NotEqual(0, machine.Calls);
        Assert.Equal(RedisRuntime.Process, builder.Resources.OfType<RedisTopologyResource>().Single().Runtime);
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
