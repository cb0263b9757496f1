using Microsoft.Extensions.Configuration;

namespace VibeZ.AppHost.Tests.Redis;

/// <summary>The choice between containers and processes, with the machine's answers played by a fake.</summary>
public class RedisRuntimeSelectorTests
{
    private const string Image = "docker.io/library/redis:7.0.15";

    [Fact]
    public void AutoPicksContainersWhereARuntimeAnswersHasTheImageAndRunsIt()
    {
        var choice = Choose(RedisRuntime.Auto, answers: ["podman info", $"podman image inspect {Image}", $"podman run --rm --entrypoint redis-server {Image} --version", "redis-server --version"]);

        Assert.Equal((RedisRuntime.Container, "podman"), (choice.Runtime, choice.ContainerRuntime));
    }

    [Fact]
    public void AutoPicksProcessesWhereTheRuntimeCannotRunTheImage()
    {
        var choice = Choose(RedisRuntime.Auto, answers: ["podman info", $"podman image inspect {Image}", "redis-server --version"]);

        Assert.Equal(RedisRuntime.Process, choice.Runtime);
        Assert.Contains("has docker.io/library/redis:7.0.15 but cannot run it", choice.Reason);
    }

    [Fact]
    public void AutoPicksProcessesWhereTheRuntimeLacksTheImageButRedisServerIsThere()
    {
        var choice = Choose(RedisRuntime.Auto, answers: ["podman info", "redis-server --version"]);

        Assert.Equal(RedisRuntime.Process, choice.Runtime);
        Assert.Contains("does not have docker.io/library/redis:7.0.15", choice.Reason);
    }

    [Fact]
    public void AutoPicksProcessesWhereNoContainerRuntimeAnswers()
    {
        var choice = Choose(RedisRuntime.Auto, answers: ["redis-server --version"]);

        Assert.Equal(RedisRuntime.Process, choice.Runtime);
    }

    [Fact]
    public void AutoAsksOnlyTheConfiguredContainerRuntime()
    {
        var asked = new List<string>();
        Choose(RedisRuntime.Auto, answers: ["redis-server --version"], configuredRuntime: "podman", asked: asked);

        Assert.DoesNotContain(asked, a => a.StartsWith("docker", StringComparison.Ordinal));
    }

    [Fact]
    public void NeitherRuntimeNorRedisServerStopsWithWhatToInstall()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Choose(RedisRuntime.Auto, answers: []));

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
    public void ProcessWithoutRedisServerNamesTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Choose(RedisRuntime.Process, answers: ["podman info"]));

        Assert.StartsWith("VibeZ:Redis:Runtime is 'process', but redis-server is not on PATH", error.Message);
    }

    private static RedisRuntimeChoice Choose(RedisRuntime runtime, string[] answers, string? configuredRuntime = null, List<string>? asked = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new("ASPIRE_CONTAINER_RUNTIME", configuredRuntime)])
            .Build();
        return RedisRuntimeSelector.Choose(new RedisTopologySettings { Runtime = runtime }, configuration, (file, args) =>
        {
            var call = string.Join(' ', [file, .. args]);
            asked?.Add(call);
            return answers.Contains(call);
        });
    }
}
