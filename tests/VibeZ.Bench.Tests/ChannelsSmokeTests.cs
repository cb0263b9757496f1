namespace VibeZ.Bench.Tests;

/// <summary>
/// A seconds-long <c>channels</c> run at a tiny rate: publishers take many channels in turn, each with two
/// subscribers on different server processes. 4 KiB messages, so the size the issue asks for goes through every system.
/// </summary>
[Trait("Category", "Integration")]
[Collection(BenchHarnessCollection.Name)]
public sealed class ChannelsSmokeTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("vibez-bench-smoke-").FullName;

    [Fact]
    public async Task ASmokeRunOverManyChannelsDeliversThroughEverySystemAndWritesTheSummary()
    {
        var root = await RateSearchSummary.RunAsync(_output, "channels", "--channels", "20", "--subscribers-per-channel", "2", "--size", "4096", "--smoke");

        Assert.Equal("channels", root.GetProperty("scenario").GetString());
        Assert.Equal(40, root.GetProperty("subscribers").GetInt32());
        Assert.Equal(20, root.GetProperty("channels").GetInt32());
        Assert.Equal(2, root.GetProperty("subscribersPerChannel").GetInt32());
        Assert.Equal(4096, root.GetProperty("messageBytes").GetInt32());
        RateSearchSummary.AssertEverySystemDelivered(root, _output);

        // Every message reaches exactly the two subscribers of its channel: any more would mean crossed channels.
        foreach (var system in root.GetProperty("systems").EnumerateArray())
        {
            foreach (var step in system.GetProperty("steps").EnumerateArray())
            {
                Assert.True(step.GetProperty("delivered").GetInt64() <= step.GetProperty("expectedDeliveries").GetInt64(),
                    $"{system.GetProperty("name")} delivered more than each message's two subscribers: {step}");
            }
        }
    }

    public void Dispose() => Directory.Delete(_output, recursive: true);
}
