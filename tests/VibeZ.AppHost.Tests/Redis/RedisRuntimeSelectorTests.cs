using Microsoft.Extensions.Configuration;

namespace VibeZ.AppHost.Tests.Redis;

/// <summary>The choice between containers and processes, with the machine's answers played by a fake.</summary>
public class RedisRuntimeSelectorTests
{
    private const string Image = "docker.io/library/redis:7.0.15";

    // What a runtime whose networks work answers to the network check: a subnet, and PONG from the second container.
    private static readonly string[] WorkingNetwork = ["podman network create", "podman network inspect", "podman run -d", "podman run --rm"];

    [Fact]
    public void AutoPicksContainersWhereARuntimeAnswersHasTheImageAndItsContainersReachEachOtherByName()
    {
        var choice = ChooseAndCheck(RedisRuntime.Auto, answers: ["podman info", $"podman image inspect {Image}", .. WorkingNetwork, "redis-server --version"]);

        Assert.Equal((RedisRuntime.Container, "podman"), (choice.Runtime, choice.ContainerRuntime));
        Assert.Contains("reach each other by name at fixed addresses", choice.Reason);
    }

    [Fact]
    public void AutoPicksProcessesAndSaysWhyWhereContainerNamesDoNotResolve()
    {
        var choice = ChooseAndCheck(RedisRuntime.Auto, answers: ["podman info", $"podman image inspect {Image}", "podman network create", "podman network inspect", "podman run -d", "redis-server --version"],
            said: new() { ["podman run --rm"] = "Could not connect to Redis at vibez-check-x-server:6379: Name or service not known" });

        Assert.Equal(RedisRuntime.Process, choice.Runtime);
        Assert.Contains("podman has docker.io/library/redis:7.0.15 but cannot run the topology: a container could not reach another by name", choice.Reason);
        Assert.Contains("Name or service not known", choice.Reason);
    }

    [Fact]
    public void AutoPicksProcessesWhereTheRuntimeCannotRunTheImage()
    {
        var choice = ChooseAndCheck(RedisRuntime.Auto, answers: ["podman info", $"podman image inspect {Image}", "podman network create", "podman network inspect", "redis-server --version"],
            said: new() { ["podman run -d"] = "crun: cgroups in hybrid mode not supported" });

        Assert.Equal(RedisRuntime.Process, choice.Runtime);
        Assert.Contains("has docker.io/library/redis:7.0.15 but cannot run the topology", choice.Reason);
        Assert.Contains("cgroups in hybrid mode not supported", choice.Reason);
    }

    [Fact]
    public void TheNetworkCheckRemovesBothItsContainersByNameAndThenItsNetworkEvenWhenThePingFails()
    {
        var asked = new List<string>();
        ChooseAndCheck(RedisRuntime.Auto, answers: ["podman info", $"podman image inspect {Image}", "podman network create", "podman network inspect", "podman run -d", "redis-server --version"], asked: asked);

        var network = asked.Single(a => a.StartsWith("podman network create", StringComparison.Ordinal)).Split(' ')[^1];
        var removed = new[] { asked.IndexOf($"podman rm -f {network}-server"), asked.IndexOf($"podman rm -f {network}-client") };
        Assert.True(removed.All(r => r >= 0), $"The check did not remove both of its containers by name; it ran: {string.Join(" | ", asked)}");
        Assert.True(asked.IndexOf($"podman network rm {network}") > removed.Max(), $"The check did not remove its network after its containers; it ran: {string.Join(" | ", asked)}");
    }

    [Fact]
    public void ContainerWhereContainerNamesDoNotResolveStopsAtStartWithWhatFailedAndTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ChooseAndCheck(RedisRuntime.Container, answers: ["podman info", "podman network create", "podman network inspect", "podman run -d"],
            said: new() { ["podman run --rm"] = "Name or service not known" }));

        Assert.StartsWith("VibeZ:Redis:Runtime is 'container', but podman cannot run the topology: a container could not reach another by name", error.Message);
        Assert.Contains("eng/install.sh --containers", error.Message);
        Assert.Contains("VibeZ:Redis:Runtime=process", error.Message);
    }

    [Fact]
    public void AutoPicksProcessesWhereTheRuntimeLacksTheImageButRedisServerIsThere()
    {
        var choice = ChooseAndCheck(RedisRuntime.Auto, answers: ["podman info", "redis-server --version"]);

        Assert.Equal(RedisRuntime.Process, choice.Runtime);
        Assert.Contains("does not have docker.io/library/redis:7.0.15", choice.Reason);
    }

    [Fact]
    public void AutoPicksProcessesWhereNoContainerRuntimeAnswers()
    {
        var choice = ChooseAndCheck(RedisRuntime.Auto, answers: ["redis-server --version"]);

        Assert.Equal(RedisRuntime.Process, choice.Runtime);
    }

    [Fact]
    public void AutoAsksOnlyTheConfiguredContainerRuntime()
    {
        var asked = new List<string>();
        ChooseAndCheck(RedisRuntime.Auto, answers: ["redis-server --version"], configuredRuntime: "podman", asked: asked);

        Assert.DoesNotContain(asked, a => a.StartsWith("docker", StringComparison.Ordinal));
    }

    [Fact]
    public void NeitherRuntimeNorRedisServerStopsWithWhatToInstall()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ChooseAndCheck(RedisRuntime.Auto, answers: []));

        Assert.Contains("apt-get install podman runc", error.Message);
        Assert.Contains("apt-get install redis-server", error.Message);
    }

    [Fact]
    public void ContainerWithoutARuntimeNamesTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Choose(RedisRuntime.Container, answers: ["redis-server --version"]));

        Assert.StartsWith("VibeZ:Redis:Runtime is 'container', but no container runtime answered", error.Message);
    }

    [Fact]
    public void ProcessWithoutRedisServerStopsAtStartNamingTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ChooseAndCheck(RedisRuntime.Process, answers: ["podman info"]));

        Assert.StartsWith("VibeZ:Redis:Runtime is 'process', but redis-server is not on PATH", error.Message);
    }

    [Theory]
    [InlineData(RedisRuntime.Process, null)]
    [InlineData(RedisRuntime.Container, "podman")]
    public void AnExplicitRuntimeIsChosenWithoutAskingTheMachine(RedisRuntime runtime, string? configuredRuntime)
    {
        var asked = new List<string>();
        var choice = Choose(runtime, answers: [], configuredRuntime: configuredRuntime, asked: asked);

        Assert.Empty(asked);
        Assert.Equal((runtime, configuredRuntime, false), (choice.Runtime, choice.ContainerRuntime, choice.Checked));
    }

    [Fact]
    public void ContainerWithoutANamedRuntimeAsksOnlyWhichRuntimeAnswersWhileBuilding()
    {
        var asked = new List<string>();
        var choice = Choose(RedisRuntime.Container, answers: ["podman info"], asked: asked);

        Assert.Equal(["docker info", "podman info"], asked);
        Assert.Equal("podman", choice.ContainerRuntime);
    }

    [Fact]
    public void ANamedContainerRuntimeThatDoesNotAnswerStopsAtStartNamingBothSettings()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ChooseAndCheck(RedisRuntime.Container, answers: ["redis-server --version"], configuredRuntime: "podman"));

        Assert.StartsWith("VibeZ:Redis:Runtime is 'container', but the container runtime podman did not answer ('podman info' failed)", error.Message);
        Assert.Contains("ASPIRE_CONTAINER_RUNTIME", error.Message);
    }

    [Fact]
    public void AnExplicitRuntimeThatWorksIsCheckedAtStartAndSaysWhy()
    {
        var choice = ChooseAndCheck(RedisRuntime.Container, answers: ["podman info", .. WorkingNetwork], configuredRuntime: "podman");

        Assert.True(choice.Checked);
        Assert.Equal("VibeZ:Redis:Runtime is 'container', and two containers of docker.io/library/redis:7.0.15 on a podman network reach each other by name at fixed addresses", choice.Reason);
    }

    [Fact]
    public void AutoAsksNothingWhileBuildingAndChoosesWhenTheApplicationStarts()
    {
        var asked = new List<string>();
        var settings = new RedisTopologySettings { Runtime = RedisRuntime.Auto };
        var machine = Machine(["redis-server --version"], asked, said: null);

        var built = RedisRuntimeSelector.Choose(settings, Configuration(configuredRuntime: null), machine);
        Assert.Empty(asked);
        Assert.Equal((RedisRuntime.Auto, false), (built.Runtime, built.Checked));

        var started = RedisRuntimeSelector.Check(built, settings, machine);
        Assert.Equal((RedisRuntime.Process, true), (started.Runtime, started.Checked));
        Assert.Contains("redis-server --version", asked);
    }

    private static RedisRuntimeChoice Choose(
        RedisRuntime runtime, string[] answers, string? configuredRuntime = null, List<string>? asked = null, Dictionary<string, string>? said = null) =>
        RedisRuntimeSelector.Choose(new RedisTopologySettings { Runtime = runtime }, Configuration(configuredRuntime), Machine(answers, asked, said));

    // Chooses while the model is built, then checks (or, for auto, chooses) when the application starts, on one fake machine.
    private static RedisRuntimeChoice ChooseAndCheck(
        RedisRuntime runtime, string[] answers, string? configuredRuntime = null, List<string>? asked = null, Dictionary<string, string>? said = null)
    {
        var settings = new RedisTopologySettings { Runtime = runtime };
        var machine = Machine(answers, asked, said);
        return RedisRuntimeSelector.Check(RedisRuntimeSelector.Choose(settings, Configuration(configuredRuntime), machine), settings, machine);
    }

    private static IConfiguration Configuration(string? configuredRuntime) => new ConfigurationBuilder()
        .AddInMemoryCollection([new("ASPIRE_CONTAINER_RUNTIME", configuredRuntime)])
        .Build();

    // A fake machine: a call succeeds when it starts with one of the answers; failing calls print what `said` holds
    // for their prefix on standard error.
    private static RedisRuntimeProbe Machine(string[] answers, List<string>? asked, Dictionary<string, string>? said)
    {
        var networks = new HashSet<string>();
        return new RedisRuntimeProbe((file, args) =>
        {
            var call = string.Join(' ', [file, .. args]);
            asked?.Add(call);
            var answered = answers.Any(a => call == a || call.StartsWith(a + " ", StringComparison.Ordinal));
            switch (args)
            {
                case ["network", "create", .., var name] when answered:
                    networks.Add(name);
                    break;
                case ["network", "inspect", var name, ..]:
                    // A network exists once created, and its inspection prints the subnet the runtime gave it.
                    return answered && networks.Contains(name) ? new ProgramRun(0, "10.89.7.0/24 ", "") : new ProgramRun(1, "", $"network {name} not found");
            }

            if (answered)
            {
                return new ProgramRun(0, "", "");
            }

            var error = said?.FirstOrDefault(s => call.StartsWith(s.Key, StringComparison.Ordinal)).Value ?? "refused";
            return new ProgramRun(1, "", error);
        });
    }
}
