using System.Text.Json;

namespace VibeZ.Worker.Tests;

/// <summary>
/// The thread-pool minimum that lets StackExchange.Redis's blocking sentinel calls run at once during a switch is a
/// build setting (<c>ThreadPoolMinThreads</c> in Directory.Build.props), so it must reach the runtimeconfig.json each
/// service starts with, and that of the test host that runs the connection in-process.
/// </summary>
public sealed class ThreadPoolMinimumTests
{
    private const string Setting = "System.Threading.ThreadPool.MinThreads";

    [Theory]
    [InlineData("VibeZ.Gateway")]
    [InlineData("VibeZ.Worker")]
    public void TheServiceRuntimeConfigRaisesTheMinimum(string service)
    {
        var path = Path.Combine(AppContext.BaseDirectory, service + ".runtimeconfig.json");
        Assert.True(File.Exists(path), $"{path} was not built next to the tests.");

        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var found = json.RootElement.GetProperty("runtimeOptions").TryGetProperty("configProperties", out var properties)
            && properties.TryGetProperty(Setting, out var value)
            ? value.ToString()
            : null;

        Assert.True(found == "32", $"{path} sets {Setting} to {found ?? "nothing"}; expected 32:\n{json.RootElement}");
    }

    [Fact]
    public void TheTestHostRunsWithTheRaisedMinimum()
    {
        Assert.Equal("32", AppContext.GetData(Setting)?.ToString());
        ThreadPool.GetMinThreads(out var workers, out _);
        Assert.True(workers >= 32, $"The test host's minimum worker threads are {workers}.");
    }
}
