using System.Text.Json;

namespace VibeZ.Bench.Tests;

/// <summary>
/// A seconds-long fan-out at a tiny rate through every system, so the harness cannot rot between real runs. It checks
/// that each system delivered everything and that summary.json keeps the shape outside checks read; it claims nothing
/// about speed (that is what the full run in docs/benchmarks.md is for).
/// </summary>
[Trait("Category", "Integration")]
public sealed class FanoutSmokeTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("vibez-bench-smoke-").FullName;

    [Fact]
    public async Task ASmokeRunDeliversThroughEverySystemAndWritesTheSummary()
    {
        var exitCode = await BenchCommandLine.Build()
            .Parse(["fanout", "--subscribers", "2", "--publishers", "2", "--smoke", "--output", _output])
            .InvokeAsync(cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(0, exitCode);
        var summaryPath = Path.Combine(_output, "summary.json");
        Assert.True(File.Exists(summaryPath), $"no summary.json in {_output}: {string.Join(", ", Directory.GetFiles(_output))}");
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(summaryPath, TestContext.Current.CancellationToken));
        var root = summary.RootElement;
        Assert.Equal("fanout", root.GetProperty("scenario").GetString());
        Assert.Equal(2, root.GetProperty("subscribers").GetInt32());

        var systems = root.GetProperty("systems").EnumerateArray().ToList();
        Assert.Equal(["vibez", "vibez-leader", "signalr", "redis"], systems.Select(s => s.GetProperty("name").GetString()));
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

        Assert.True(File.Exists(Path.Combine(_output, "summary.md")), "no summary.md");
        Assert.True(new FileInfo(Path.Combine(_output, "p99-latency.png")) is { Exists: true, Length: > 1000 }, "no p99-latency.png chart");
        Assert.True(new FileInfo(Path.Combine(_output, "sustained-deliveries.png")) is { Exists: true, Length: > 1000 }, "no sustained-deliveries.png chart");
    }

    public void Dispose() => Directory.Delete(_output, recursive: true);
}
