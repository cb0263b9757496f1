using System.Text.Json.Nodes;

namespace VibeZ.Gateway.Tests.Integration.Hostile;

internal static partial class HostileClients
{
    /// <summary>
    /// One client sends 1000 history reads of <paramref name="channel"/> at once (whole 300-message pages), waits for
    /// every answer, and starts again until stopped. Each answer is counted as <c>ok</c>, <c>HTTP 429 code</c> (the
    /// problem's code), or whatever else came; <c>Gateway:MaxConcurrentHistoryReads</c> should turn the excess away.
    /// </summary>
    public static async Task<HostileTally> HistoryBurstAsync(GatewayProcess gateway, string channel, CancellationToken stop)
    {
        var tally = new HostileTally("history burst");
        while (!stop.IsCancellationRequested)
        {
            Interlocked.Increment(ref tally.Rounds);
            await Parallel.ForAsync(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 1000 }, async (_, _) =>
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try
                {
                    using var response = await gateway.Http.GetAsync(
                        $"/api/channels/{channel}/messages?since=0&limit=300", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        await using var body = new CountingStream();
                        await response.Content.CopyToAsync(body, timeout.Token);
                        Interlocked.Add(ref tally.BytesRead, body.Length);
                        tally.Count("ok");
                        return;
                    }

                    var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync(timeout.Token)) as JsonObject;
                    tally.Count($"HTTP {(int)response.StatusCode} {(string?)problem?["code"] ?? "(no code)"}");
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException)
                {
                    tally.Count($"{ex.GetType().Name}: {ex.Message}");
                }
            });
            await PauseAsync(TimeSpan.FromMilliseconds(100), stop);
        }

        return tally;
    }
}
