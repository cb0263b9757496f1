using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VibeZ.Testing.Processes;

namespace VibeZ.Testing.Gateway;

/// <summary>
/// Three broadcasts a Worker can never deliver, stored the ways they come about (data over a limit lowered after it
/// was stored, a channel name the rules no longer accept, an entry Workers were handed and died holding), and what a
/// Worker must make of them: <c>failed</c> with the reason, in the dead-letter stream once, logged once.
/// </summary>
public static class PoisonBroadcasts
{
    public const string Channel = "bc-dl";
    public const string Stream = Prefix + "stream";
    public const string Dead = Prefix + "dead";
    private const string Prefix = "vibez:broadcasts:{all}:";

    /// <summary>The Worker settings the reasons assume: a message limit below the Gateway's, and two attempts.</summary>
    public static readonly (string Key, string? Value)[] WorkerSettings = [("Gateway__MaxMessageBytes", "64"), ("Broadcasts__MaxAttempts", "2")];

    /// <summary>Each poison broadcast's id and how its <c>error</c> must start.</summary>
    public static readonly IReadOnlyDictionary<string, string> Reasons = new Dictionary<string, string>
    {
        ["dl-large"] = "message_too_large: data is 202 bytes, over Gateway:MaxMessageBytes (64)",
        ["dl-channel"] = "invalid_channel:",
        ["dl-stuck"] = "too_many_attempts: handed to a Worker 3 times, more than Broadcasts:MaxAttempts (2)",
    };

    /// <summary>
    /// Stores the three before a Worker runs: one through <paramref name="gateway"/>, two with <paramref name="cli"/>,
    /// which runs a redis-cli command on the master holding the broadcast keys.
    /// </summary>
    public static async Task StoreAsync(HttpClient gateway, Func<string[], Task<string>> cli, CancellationToken cancellationToken)
    {
        // Within the Gateway's limit (the default), over the Worker's (lowered): the limit changed after storing.
        var large = "\"" + new string('x', 200) + "\"";
        await ScheduledBroadcasts.PostAsync(gateway, $$"""{"id":"dl-large","channel":"{{Channel}}","data":{{large}}}""", cancellationToken);

        // A channel name the rules no longer accept, stored directly as an older Gateway might have stored it.
        await cli(["HSET", Prefix + "b:dl-channel", "channel", "bad channel", "data", "\"x\"", "deliverAt", "0", "state", "scheduled", "createdAt", "0"]);
        await cli(["ZADD", Prefix + "due", "0", "dl-channel"]);

        // A broadcast two Workers were handed and died holding: its stream entry has a delivery count of 2 already.
        await cli(["HSET", Prefix + "b:dl-stuck", "channel", Channel, "data", "\"stuck\"", "deliverAt", "0", "state", "scheduled", "createdAt", "0"]);
        await cli(["XGROUP", "CREATE", Stream, "workers", "0", "MKSTREAM"]);
        var entry = (await cli(["XADD", Stream, "*", "id", "dl-stuck"])).Trim();
        var read = await cli(["XREADGROUP", "GROUP", "workers", "dead-worker", "COUNT", "10", "STREAMS", Stream, ">"]);
        var claimed = await cli(["XCLAIM", Stream, "workers", "dead-worker", "0", entry, "IDLE", "60000", "RETRYCOUNT", "2", "JUSTID"]);
        if (!read.Contains("dl-stuck", StringComparison.Ordinal) || !claimed.Contains(entry, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The stand-in consumer did not take dl-stuck (entry {entry}): XREADGROUP said {read}, XCLAIM said {claimed}");
        }
    }

    /// <summary>Waits until <c>GET /api/broadcasts/{id}</c> reads every poison broadcast as <c>failed</c>.</summary>
    public static Task WaitUntilFailedAsync(HttpClient gateway, ServiceProcess worker, TimeSpan timeout) =>
        TestWait.Until(async () =>
        {
            var seen = new List<string>();
            foreach (var id in Reasons.Keys)
            {
                var status = (await gateway.GetFromJsonAsync<JsonObject>($"/api/broadcasts/{id}", TestContext.Current.CancellationToken))!;
                seen.Add($"{id}={status["state"]}({status["error"]})");
            }

            return (seen.All(s => s.Contains("=failed(", StringComparison.Ordinal)), string.Join(", ", seen));
        }, $"the Worker to mark the three poison broadcasts failed\n--- worker ---\n{worker.Output}", timeout);

    /// <summary>
    /// What is wrong with how the Worker dead-lettered them, one line each (none when all is well): each reads
    /// <c>failed</c> with its reason through the API, stands in the dead stream once with it, was logged once, and
    /// nothing is left pending.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ProblemsAsync(HttpClient gateway, Func<string[], Task<string>> cli, ServiceProcess worker)
    {
        var problems = new List<string>();
        var dead = (await cli(["XRANGE", Dead, "-", "+"])).Split('\n', StringSplitOptions.TrimEntries);
        foreach (var (id, reason) in Reasons)
        {
            var status = (await gateway.GetFromJsonAsync<JsonObject>($"/api/broadcasts/{id}", TestContext.Current.CancellationToken))!;
            if ((string?)status["state"] != "failed" || (string?)status["error"] is not { } error || !error.StartsWith(reason, StringComparison.Ordinal))
            {
                problems.Add($"{id} reads {status.ToJsonString()}, not failed with \"{reason}…\"");
            }

            if (dead.Count(line => line == id) != 1 || !dead.Any(line => line.StartsWith(reason, StringComparison.Ordinal)))
            {
                problems.Add($"{id} should be in {Dead} once with \"{reason}…\"; it holds: {string.Join(" | ", dead)}");
            }

            var logged = worker.Output.Split('\n').Count(line => line.Contains($"Broadcast {id} is dead-lettered", StringComparison.Ordinal));
            if (logged != 1)
            {
                problems.Add($"the Worker logged {id} as dead-lettered {logged} times, not once");
            }
        }

        var pending = (await cli(["XPENDING", Stream, "workers"])).Trim();
        if (!pending.StartsWith('0'))
        {
            problems.Add($"entries are still pending: {pending}");
        }

        return problems;
    }
}
