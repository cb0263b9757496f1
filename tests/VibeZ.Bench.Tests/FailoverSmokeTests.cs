using System.Text.Json;

namespace VibeZ.Bench.Tests;

/// <summary>
/// A seconds-long <c>failover</c> run for VibeZ alone (two replicas, so writes resume after the kill): summary.json
/// keeps the shared shape and the Gateway lost no acked message. Its Redis runs in containers (<c>--containers</c>),
/// so the harness's container path is run too: the other smoke runs start local processes.
/// </summary>
[Trait("Category", "Integration")]
[Collection(BenchHarnessCollection.Name)]
public sealed class FailoverSmokeTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("vibez-bench-smoke-").FullName;

    [Fact]
    public async Task ASmokeRunKillsTheMasterAndVibezLosesNoAckedMessage()
    {
        var (exitCode, errors) = await RateSearchSummary.InvokeAsync(["failover", "--smoke", "--containers", "--systems", "vibez", "--replicas", "2", "--subscribers", "2", "--output", _output]);

        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_output, "summary.json"), TestContext.Current.CancellationToken));
        var root = summary.RootElement;
        Assert.True(exitCode == 0, $"the harness exited with {exitCode}: {errors}; summary: {root}");
        Assert.Equal("failover", root.GetProperty("scenario").GetString());
        Assert.Equal(2, root.GetProperty("subscribers").GetInt32());
        var vibez = Assert.Single(root.GetProperty("systems").EnumerateArray());
        Assert.Equal("vibez", vibez.GetProperty("name").GetString());
        Assert.Contains(" containers of ", vibez.GetProperty("description").GetString());
        Assert.True(vibez.GetProperty("acked").GetInt64() > 0, $"nothing acked: {vibez}");
        Assert.True(vibez.GetProperty("lost").GetInt64() == 0, $"acked messages lost: {vibez}");
        foreach (var field in new[] { "sent", "duplicates", "reordered", "publishGapMs" })
        {
            Assert.Equal(JsonValueKind.Number, vibez.GetProperty(field).ValueKind);
        }

        Assert.True(File.Exists(Path.Combine(_output, "summary.md")), "no summary.md");
    }

    public void Dispose() => Directory.Delete(_output, recursive: true);
}
