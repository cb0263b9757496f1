namespace VibeZ.Bench.Tests;

/// <summary>
/// A seconds-long <c>cluster</c> run at a tiny rate: VibeZ and raw sharded pub/sub on the six-node cluster, beside
/// VibeZ and raw pub/sub on one redis-server, all delivering through the harness.
/// </summary>
[Trait("Category", "Integration")]
[Collection(BenchHarnessCollection.Name)]
public sealed class ClusterSmokeTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("vibez-bench-smoke-").FullName;

    [Fact]
    public async Task ASmokeRunDeliversThroughTheClusterAndTheSingleServerAndWritesTheSummary()
    {
        var root = await RateSearchSummary.RunAsync(_output, "cluster", "--subscribers", "2", "--smoke");

        Assert.Equal("cluster", root.GetProperty("scenario").GetString());
        Assert.Equal(2, root.GetProperty("subscribers").GetInt32());
        RateSearchSummary.AssertEverySystemDelivered(root, _output, ["vibez-cluster", "vibez-leader", "redis-cluster", "redis"]);
    }

    public void Dispose() => Directory.Delete(_output, recursive: true);
}
