using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using VibeZ.AppHost.Tests.Infrastructure;

namespace VibeZ.AppHost.Tests.Integration;

/// <summary>
/// Two Gateway processes behind one port: each is reached on its own address, because Aspire's proxy picks a replica
/// per connection and is not sticky, so only a direct address proves that two distinct processes took part.
/// </summary>
public abstract partial class TopologyTests
{
    [Fact]
    public async Task EachGatewayReplicaAnswersOnItsOwnAddressAsADifferentNode()
    {
        var replicas = await ReplicasAsync();

        var nodes = new List<string>();
        foreach (var replica in replicas)
        {
            using var client = replica.CreateClient();
            using var health = await TestWait.For(client.GetAsync("/health", TestContext.Current.CancellationToken), TestTimeouts.Request, $"{replica} to answer /health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            nodes.Add(await NodeAsync(replica));
        }

        Assert.True(nodes.Distinct().Count() == nodes.Count, $"every replica must be a node of its own; they answered {string.Join(", ", nodes)}");
    }

    [Fact]
    public async Task AMessagePublishedThroughOneGatewayReplicaReachesASubscriberOnTheOther()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var replicas = await ReplicasAsync();
        var (subscriberReplica, publisherReplica) = (replicas[0], replicas[1]);
        var subscriberNode = await NodeAsync(subscriberReplica);
        Assert.NotEqual(subscriberNode, await NodeAsync(publisherReplica));
        var channel = $"routing-{Topology.Kind}-{Topology.Runtime}-{Guid.NewGuid():N}".ToLowerInvariant();

        await using var subscriber = await GatewayClient.ConnectAsync(subscriberReplica.WebSocket, $"the subscriber on {subscriberReplica.ResourceId}", Topology.GatewayToken(), timeout: TestTimeouts.Request);
        var subscribed = await subscriber.SubscribeAsync(channel);
        Assert.Equal(subscriberNode, (string?)subscribed["node"]);

        // Over HTTP through the other replica…
        using var publisher = publisherReplica.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/channels/{channel}/messages") { Content = JsonContent.Create(new { text = "over http" }) };
        request.Headers.Add("Idempotency-Key", "http-1");
        request.Headers.Authorization = new("Bearer", Topology.GatewayToken());
        using var response = await TestWait.For(publisher.SendAsync(request, cancellationToken), TestTimeouts.Request, $"{publisherReplica} to accept a publish to {channel}");
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"publishing through {publisherReplica} answered {(int)response.StatusCode} {body}");
        var published = JsonSerializer.Deserialize<PublishAnswer>(body)!;

        // …and over its WebSocket.
        await using var socketPublisher = await GatewayClient.ConnectAsync(publisherReplica.WebSocket, $"the publisher on {publisherReplica.ResourceId}", Topology.GatewayToken(), timeout: TestTimeouts.Request);
        await socketPublisher.SendAsync(new { type = "publish", channel, data = new { text = "over ws" }, id = "ws-1" });
        var ack = await socketPublisher.WaitForAsync(frame => (string?)frame["id"] == "ws-1", "the answer to publish ws-1", TestTimeouts.Request);
        Assert.True(Is(ack, "ack", channel), $"publish ws-1 was answered with {ack.ToJsonString()}");

        var messages = await subscriber.WaitForCountAsync(frame => Is(frame, "message", channel), 2, $"messages on {channel}, over http then over ws", TestTimeouts.Request);

        Assert.Equal(1, published.Offset);
        Assert.Equal((published.Offset, published.Epoch, "http-1", "over http"), Describe(messages[0]));
        Assert.Equal(((long)ack["offset"]!, published.Epoch, "ws-1", "over ws"), Describe(messages[1]));
    }

    [Fact]
    public async Task TheGatewaysPortLeadsToBothReplicasOneConnectionAtATime()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var nodes = new HashSet<string>();
        foreach (var replica in await ReplicasAsync())
        {
            nodes.Add(await NodeAsync(replica));
        }

        var proxy = Topology.App.GetEndpoint("gateway", "http");
        using var client = new HttpClient { BaseAddress = proxy };
        var answers = new List<string>();

        // The proxy picks a replica per connection: a fresh connection per request may land on either.
        await TestWait.Until(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/node");
            request.Headers.ConnectionClose = true;
            request.Headers.Authorization = new("Bearer", Topology.GatewayToken());
            using var response = await client.SendAsync(request, cancellationToken);
            answers.Add((await response.Content.ReadFromJsonAsync<NodeAnswer>(cancellationToken))!.Node);
            return !nodes.Contains(answers[^1]) || nodes.IsSubsetOf(answers);
        }, TestTimeouts.Request, $"{proxy} to lead to both replicas ({string.Join(", ", nodes)})", () => $"answers so far: {string.Join(", ", answers)}");

        Assert.All(answers, node => Assert.Contains(node, nodes));
    }

    /// <summary>The running replicas; two by default, and a test of routing between them needs at least two.</summary>
    private async Task<IReadOnlyList<GatewayReplica>> ReplicasAsync()
    {
        var replicas = await Topology.GatewayReplicasAsync();
        Assert.True(replicas.Count >= 2, $"the Gateway runs {replicas.Count} replica(s); these tests need two (VibeZ:Gateway:Replicas)");
        return replicas;
    }

    private static bool Is(JsonObject frame, string type, string channel) => GatewayClient.Is(frame, type) && (string?)frame["channel"] == channel;

    private static (long Offset, string? Epoch, string? Id, string? Text) Describe(JsonObject message) =>
        ((long)message["offset"]!, (string?)message["epoch"], (string?)message["id"], (string?)message["data"]?["text"]);

    private async Task<string> NodeAsync(GatewayReplica replica)
    {
        using var client = replica.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", Topology.GatewayToken());
        var answer = await TestWait.For(client.GetFromJsonAsync<NodeAnswer>("/api/node", TestContext.Current.CancellationToken), TestTimeouts.Request, $"{replica} to answer /api/node");
        return answer?.Node ?? throw new InvalidOperationException($"{replica} answered /api/node without a node id.");
    }

    protected sealed record NodeAnswer([property: JsonPropertyName("node")] string Node);

    protected sealed record PublishAnswer(
        [property: JsonPropertyName("offset")] long Offset,
        [property: JsonPropertyName("epoch")] string Epoch);
}
