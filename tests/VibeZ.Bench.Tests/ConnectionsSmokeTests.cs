using System.Text.Json;

namespace VibeZ.Bench.Tests;

/// <summary>
/// A seconds-long <c>connections</c> run with a few hundred connections on one Gateway, one SignalR app and the bare
/// ASP.NET Core WebSocket floor: summary.json keeps the shared shape, both memory readings are there and plausible,
/// and every connection got the check's message.
/// </summary>
[Trait("Category", "Integration")]
[Collection(BenchHarnessCollection.Name)]
public sealed class ConnectionsSmokeTests : IDisposable
{
    private const int Connections = 200;

    private readonly string _output = Directory.CreateTempSubdirectory("vibez-bench-smoke-").FullName;

    [Fact]
    public async Task ASmokeRunMeasuresMemoryPerConnectionOnOneServerProcess()
    {
        var (exitCode, errors) = await RateSearchSummary.InvokeAsync(["connections", "--connections", $"{Connections}", "--smoke", "--output", _output]);

        Assert.True(exitCode == 0, $"the harness exited with {exitCode}: {errors}");
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_output, "summary.json"), TestContext.Current.CancellationToken));
        var root = summary.RootElement;
        Assert.Equal("connections", root.GetProperty("scenario").GetString());
        Assert.Equal(Connections, root.GetProperty("subscribers").GetInt32());
        var systems = root.GetProperty("systems").EnumerateArray().ToList();
        Assert.Equal(["vibez", "signalr", "websocket-floor"], systems.Select(s => s.GetProperty("name").GetString()));
        foreach (var system in systems)
        {
            var name = system.GetProperty("name").GetString();
            Assert.True(system.GetProperty("checkDelivered").GetInt64() == Connections, $"{name}: not every connection got its message: {system}");
            Assert.True(system.GetProperty("deliveriesPerSecond").GetDouble() > 0, $"{name}: no deliveries/s: {system}");
            Assert.Equal(JsonValueKind.Number, system.GetProperty("p50Ms").ValueKind);
            Assert.Equal(JsonValueKind.Number, system.GetProperty("p99Ms").ValueKind);
            Assert.True(system.GetProperty("cpuPercent").TryGetProperty("loadgen", out _), $"{name}: no loadgen CPU: {system}");

            // Connections cost something, and not megabytes each: a reading that is off by orders of magnitude is a bug.
            foreach (var perConnection in new[] { "rssPerConnectionBytes", "gcHeapPerConnectionBytes" })
            {
                var bytes = system.GetProperty(perConnection).GetInt64();
                Assert.True(bytes is > 0 and < 1024 * 1024, $"{name}: {perConnection} = {bytes}, not between 0 and 1 MiB: {system}");
            }

            Assert.True(system.GetProperty("gcHeapBeforeBytes").GetInt64() > 0, $"{name}: no GC heap reading before: {system}");
            Assert.True(system.GetProperty("connectSeconds").GetDouble() > 0, $"{name}: no connect time: {system}");
        }

        Assert.True(new FileInfo(Path.Combine(_output, "memory-per-connection.png")) is { Exists: true, Length: > 1000 }, "no memory-per-connection.png chart");
        Assert.True(File.Exists(Path.Combine(_output, "summary.md")), "no summary.md");
    }

    public void Dispose() => Directory.Delete(_output, recursive: true);
}
