using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VibeZ.Testing.Processes;

namespace VibeZ.Worker.Tests.Broadcasts;

/// <summary>
/// Broadcasts that can never be published, or that Workers were handed too often, end <c>failed</c> with their reason,
/// in the dead-letter stream once, and are not tried again: a real Worker process on real Redis, behind real Gateways.
/// </summary>
[Trait("Category", "Integration")]
public sealed class BroadcastDeadLetterTests
{
    private const string Prefix = "vibez:broadcasts:{all}:";
    private const string Stream = Prefix + "stream";
    private const string Dead = Prefix + "dead";

    [Fact]
    public async Task PoisonBroadcastsEndFailedWithTheirReasonInTheDeadStreamOnceAndAreNotTriedAgain()
    {
        await using var topology = await GatewayTopology.StartAsync("single");
        var redis = topology.Single!;
        var http = topology.First.Http;

        // Within the Gateway's limit (the default), over the Worker's (lowered below): the limit changed after storing.
        var large = "\"" + new string('x', 200) + "\"";
        using (var response = await http.PostAsync("/api/broadcasts", Json($$"""{"id":"dl-large","channel":"bc-dl","data":{{large}}}"""), Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        // A channel name the rules no longer accept, stored directly as an older Gateway might have stored it.
        await Cli(redis, "HSET", Prefix + "b:dl-channel", "channel", "bad channel", "data", "\"x\"", "deliverAt", "0", "state", "scheduled", "createdAt", "0");
        await Cli(redis, "ZADD", Prefix + "due", "0", "dl-channel");

        // A broadcast two Workers were handed and died holding: its stream entry has a delivery count of 2 already.
        await Cli(redis, "HSET", Prefix + "b:dl-stuck", "channel", "bc-dl", "data", "\"stuck\"", "deliverAt", "0", "state", "scheduled", "createdAt", "0");
        await Cli(redis, "XGROUP", "CREATE", Stream, "workers", "0", "MKSTREAM");
        var entry = (await Cli(redis, "XADD", Stream, "*", "id", "dl-stuck")).Trim();
        Assert.Contains("dl-stuck", await Cli(redis, "XREADGROUP", "GROUP", "workers", "dead-worker", "COUNT", "10", "STREAMS", Stream, ">"));
        Assert.Contains(entry, await Cli(redis, "XCLAIM", Stream, "workers", "dead-worker", "0", entry, "IDLE", "60000", "RETRYCOUNT", "2", "JUSTID"));

        await using var worker = await ServiceProcess.StartAsync(
            ServiceProcess.BuildOutput("VibeZ.Worker"),
            "/alive",
            [.. topology.RedisSettings, ("Gateway__MaxMessageBytes", "64"), ("Broadcasts__MaxAttempts", "2")],
            TimeSpan.FromSeconds(30));

        var expected = new Dictionary<string, string>
        {
            ["dl-large"] = "message_too_large: data is 202 bytes, over Gateway:MaxMessageBytes (64)",
            ["dl-channel"] = "invalid_channel:",
            ["dl-stuck"] = "too_many_attempts: handed to a Worker 3 times, more than Broadcasts:MaxAttempts (2)",
        };
        await TestWait.Until(async () =>
        {
            var seen = new List<string>();
            foreach (var id in expected.Keys)
            {
                var status = (await http.GetFromJsonAsync<JsonObject>($"/api/broadcasts/{id}", Ct))!;
                seen.Add($"{id}={status["state"]}({status["error"]})");
            }

            return (seen.All(s => s.Contains("=failed(", StringComparison.Ordinal)), string.Join(", ", seen));
        }, $"the Worker to mark the three poison broadcasts failed\n--- worker ---\n{worker.Output}", TimeSpan.FromSeconds(20));

        foreach (var (id, reason) in expected)
        {
            var status = (await http.GetFromJsonAsync<JsonObject>($"/api/broadcasts/{id}", Ct))!;
            Assert.StartsWith(reason, (string?)status["error"]);
        }

        // A good broadcast after them is delivered: the Worker has gone round since, and the poison ones stayed dead.
        using (var response = await http.PostAsync("/api/broadcasts", Json("""{"id":"dl-good","channel":"bc-dl","data":"good"}"""), Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await TestWait.Until(async () =>
        {
            var status = (await http.GetFromJsonAsync<JsonObject>("/api/broadcasts/dl-good", Ct))!;
            return ((string?)status["state"] == "delivered", status.ToJsonString());
        }, $"the Worker to deliver dl-good after the poison broadcasts\n--- worker ---\n{worker.Output}");

        var dead = (await Cli(redis, "XRANGE", Dead, "-", "+")).Split('\n', StringSplitOptions.TrimEntries);
        foreach (var (id, reason) in expected)
        {
            Assert.True(dead.Count(line => line == id) == 1, $"{id} should be in {Dead} once; it holds:\n{string.Join('\n', dead)}");
            Assert.Contains(dead, line => line.StartsWith(reason, StringComparison.Ordinal));
            Assert.Single(worker.Output.Split('\n'), line => line.Contains($"Broadcast {id} is dead-lettered", StringComparison.Ordinal));
        }

        Assert.StartsWith("0", (await Cli(redis, "XPENDING", Stream, "workers")).Trim());
        var history = (await http.GetFromJsonAsync<JsonObject>("/api/channels/bc-dl/messages?since=0", Ct))!;
        Assert.Equal(["dl-good"], history["messages"]!.AsArray().Select(m => (string)m!["id"]!));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static Task<string> Cli(RedisServerProcess server, params string[] command) => RedisCli.RunAsync(server.Port, server.Password, command);
}
