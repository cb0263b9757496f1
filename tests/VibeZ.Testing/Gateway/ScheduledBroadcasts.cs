using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace VibeZ.Testing.Gateway;

/// <summary>Broadcasts stored through a Gateway's <c>POST /api/broadcasts</c>, and waits on what <c>GET /api/broadcasts/{id}</c> says of them.</summary>
public static class ScheduledBroadcasts
{
    /// <summary>How many POSTs are in flight at once when scheduling many.</summary>
    private const int Parallelism = 8;

    /// <summary>POSTs one broadcast and returns the Gateway's answer; throws unless it is <c>202 Accepted</c>.</summary>
    public static async Task<JsonObject> PostAsync(HttpClient gateway, string json, CancellationToken cancellationToken)
    {
        using var response = await gateway.PostAsync("/api/broadcasts", Json(json), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.StatusCode == HttpStatusCode.Accepted
            ? JsonNode.Parse(body)!.AsObject()
            : throw new InvalidOperationException($"POST /api/broadcasts {json} answered {(int)response.StatusCode}: {body}");
    }

    /// <summary>
    /// POSTs one broadcast per id into <paramref name="channel"/>, the n-th (from 0) with data <c>{"n":n+1}</c> and due
    /// at <paramref name="deliverAt"/>(n), several at once. Returns each id's answer: <c>202</c>, or the status and body.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> ScheduleAsync(
        HttpClient gateway, string channel, IReadOnlyList<string> ids, Func<int, DateTimeOffset> deliverAt, CancellationToken cancellationToken)
    {
        var answers = new Dictionary<string, string>();
        await Parallel.ForEachAsync(ids.Index(), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (item, token) =>
        {
            var json = $$"""{"id":"{{item.Item}}","channel":"{{channel}}","data":{"n":{{item.Index + 1}}},"deliverAt":"{{deliverAt(item.Index):O}}"}""";
            using var response = await gateway.PostAsync("/api/broadcasts", Json(json), token);
            var answer = response.StatusCode == HttpStatusCode.Accepted ? "202" : $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(token)}";
            lock (answers)
            {
                answers[item.Item] = answer;
            }
        });
        return answers;
    }

    /// <summary>Waits until broadcast <paramref name="id"/> reads as <paramref name="state"/>, and returns what it read.</summary>
    public static async Task<JsonObject> WaitForStateAsync(HttpClient gateway, string id, string state, string context, TimeSpan? timeout = null)
    {
        JsonObject status = null!;
        await TestWait.Until(async () =>
        {
            status = (await gateway.GetFromJsonAsync<JsonObject>($"/api/broadcasts/{id}", TestContext.Current.CancellationToken))!;
            return ((string?)status["state"] == state, status.ToJsonString());
        }, $"broadcast {id} to be {state}{context}", timeout);
        return status;
    }

    /// <summary>
    /// Waits until every broadcast in <paramref name="offsetOf"/> reads as <c>delivered</c> at the offset its message
    /// had: the record is marked after the publish, and a mark lost in a failover is written again when a Worker
    /// reclaims the entry (after its visibility timeout) and finds the message already in the channel.
    /// </summary>
    public static Task WaitUntilDeliveredAtAsync(HttpClient gateway, IReadOnlyDictionary<string, long> offsetOf, TimeSpan timeout) =>
        TestWait.Until(async () =>
        {
            foreach (var (id, offset) in offsetOf)
            {
                var status = (await gateway.GetFromJsonAsync<JsonObject>($"/api/broadcasts/{id}", TestContext.Current.CancellationToken))!;
                if ((string?)status["state"] != "delivered" || (long?)status["offset"] != offset)
                {
                    return (false, $"broadcast {id} at offset {offset} reads as {status.ToJsonString()}");
                }
            }

            return (true, "all delivered");
        }, "every broadcast to read as delivered at the offset its message had", timeout);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
