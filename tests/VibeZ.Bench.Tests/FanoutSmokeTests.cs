namespace VibeZ.Bench.Tests;

/// <summary>
/// A seconds-long fan-out at a tiny rate through every system, so the harness cannot rot between real runs. It checks
/// that each system delivered everything and that summary.json keeps the shape outside checks read; it claims nothing
/// about speed (that is what the full run in docs/benchmarks.md is for).
/// </summary>
[Trait("Category", "Integration")]
[Collection(BenchHarnessCollection.Name)]
public sealed class FanoutSmokeTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("vibez-bench-smoke-").FullName;

    [Fact]
    public async Task ASmokeRunDeliversThroughEverySystemAndWritesTheSummary()
    {
        var root = await RateSearchSummary.RunAsync(_output, "fanout", "--subscribers", "2", "--publishers", "2", "--smoke");

        Assert.Equal("fanout", root.GetProperty("scenario").GetString());
        Assert.Equal(2, root.GetProperty("subscribers").GetInt32());
        RateSearchSummary.AssertEverySystemDelivered(root, _output);
    }

    public void Dispose() => Directory.Delete(_output, recursive: true);
}
