using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VibeZ.Gateway.Tests.Guarantees.Observations;

namespace VibeZ.Gateway.Tests.Guarantees.Traffic;

/// <summary>Reads a channel's whole history over HTTP, a page at a time, into one <see cref="Observation.HistoryRead"/>.</summary>
internal static class HistoryReader
{
    public static async Task ReadAsync(History history, HttpClient http, GatewaySet gateways, int gateway, string channel)
    {
        var name = GatewaySet.Name(gateway);
        var entries = new List<Observation.HistoryEntry>();
        Position? head = null;
        long since = 0;
        while (true)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var page = await http.GetFromJsonAsync<JsonObject>(new Uri(gateways[gateway].BaseAddress, $"/api/channels/{channel}/messages?since={since}"), timeout.Token)
                ?? throw new InvalidOperationException($"Gateway {name} answered no history for {channel}.");
            head ??= RecordingSocket.PositionOf(page);
            var messages = page["messages"]!.AsArray().Select(m => m!.AsObject()).ToList();
            entries.AddRange(messages.Select(m => new Observation.HistoryEntry(RecordingSocket.PositionOf(m), (string)m["id"]!, m["data"]?.ToJsonString() ?? "null")));
            // A page ends at its count or its bytes; partial says more follow, next is where.
            if (!(bool)page["partial"]!)
            {
                break;
            }

            since = (long)page["next"]!;
        }

        history.Add(new Observation.HistoryRead(history.Now, "reader", $"reader@{name}", name, channel, head.Value, entries));
    }
}
