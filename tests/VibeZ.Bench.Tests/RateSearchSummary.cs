using System.CommandLine;
using System.Text.Json;

namespace VibeZ.Bench.Tests;

/// <summary>What every rate-search smoke run (<c>fanout</c>, <c>channels</c>) must have written: the summary.json shape outside checks read, and the charts.</summary>
internal static class RateSearchSummary
{
    /// <summary>Runs the harness with <paramref name="args"/> and returns the root of the summary.json it wrote to <paramref name="output"/>.</summary>
    public static async Task<JsonElement> RunAsync(string output, params string[] args)
    {
        var (exitCode, errors) = await InvokeAsync([.. args, "--output", output]);

        Assert.True(exitCode == 0, $"the harness exited with {exitCode}: {errors}");
        var summaryPath = Path.Combine(output, "summary.json");
        Assert.True(File.Exists(summaryPath), $"no summary.json in {output}: {string.Join(", ", Directory.GetFiles(output))}");
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(summaryPath, TestContext.Current.CancellationToken));
        return summary.RootElement.Clone();
    }

    /// <summary>Runs the harness in this process; returns its exit code and what it wrote to standard error (an exception, say).</summary>
    public static async Task<(int ExitCode, string Errors)> InvokeAsync(string[] args)
    {
        using var errors = new StringWriter();
        var exitCode = await BenchCommandLine.Build().Parse(args).InvokeAsync(new InvocationConfiguration { Error = errors }, TestContext.Current.CancellationToken);
        return (exitCode, errors.ToString());
    }

    /// <summary>Asserts that every system delivered at its smoke rate and that the files beside summary.json are there.</summary>
    /// <param name="root">summary.json.</param>
    /// <param name="output">The folder it is in.</param>
    /// <param name="expectedSystems">The systems in turn order; by default those of <c>fanout</c> and <c>channels</c>.</param>
    public static void AssertEverySystemDelivered(JsonElement root, string output, string[]? expectedSystems = null)
    {
        var systems = root.GetProperty("systems").EnumerateArray().ToList();
        Assert.Equal(expectedSystems ?? ["vibez", "vibez-leader", "signalr", "redis"], systems.Select(s => s.GetProperty("name").GetString()));
        foreach (var system in systems)
        {
            var name = system.GetProperty("name").GetString();
            var steps = system.GetProperty("steps").EnumerateArray().Select(s => s.ToString());
            Assert.True(system.GetProperty("deliveriesPerSecond").GetDouble() > 0, $"{name} delivered nothing it counts as sustained; steps: {string.Join(" | ", steps)}");
            Assert.Equal(JsonValueKind.Number, system.GetProperty("p50Ms").ValueKind);
            Assert.Equal(JsonValueKind.Number, system.GetProperty("p99Ms").ValueKind);
            var cpu = system.GetProperty("cpuPercent");
            Assert.Equal(JsonValueKind.Object, cpu.ValueKind);
            Assert.True(cpu.TryGetProperty("loadgen", out _), $"{name}'s cpuPercent has no loadgen: {cpu}");
            Assert.True(cpu.EnumerateObject().Count() >= 2, $"{name}'s cpuPercent names no server process: {cpu}");
        }

        Assert.True(File.Exists(Path.Combine(output, "summary.md")), "no summary.md");
        Assert.True(new FileInfo(Path.Combine(output, "p99-latency.png")) is { Exists: true, Length: > 1000 }, "no p99-latency.png chart");
        Assert.True(new FileInfo(Path.Combine(output, "sustained-deliveries.png")) is { Exists: true, Length: > 1000 }, "no sustained-deliveries.png chart");
    }
}
