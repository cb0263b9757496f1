namespace VibeZ.Gateway.Tests.Integration.Hostile;

internal static partial class HostileClients
{
    /// <summary>
    /// Reads whole history pages of <paramref name="channel"/> (300 messages each, the most a page holds), four at a time, each reader one page
    /// every 100 ms at most: up to 40 pages a second.
    /// </summary>
    public static async Task<HostileTally> ReadHistoryAsync(GatewayProcess gateway, string channel, CancellationToken stop)
    {
        var tally = new HostileTally("history");
        // Four at once, as said: without a degree Parallel.ForAsync runs only as many as the machine has cores.
        await Parallel.ForAsync(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (_, _) =>
        {
            while (!stop.IsCancellationRequested)
            {
                // Streamed and dropped: a 1 MB array per page would be the test process's own garbage, and its
                // collections would show up as the calm client's latency.
                using var response = await gateway.Http.GetAsync(
                    $"/api/channels/{channel}/messages?since=0&limit=300", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
                await using var body = new CountingStream();
                await response.Content.CopyToAsync(body, TestContext.Current.CancellationToken);
                tally.Count(response.IsSuccessStatusCode ? "ok" : $"HTTP {(int)response.StatusCode}");
                Interlocked.Add(ref tally.BytesRead, body.Length);
                await PauseAsync(TimeSpan.FromMilliseconds(100), stop);
            }
        });
        return tally;
    }
}
