using System.Net;
using System.Text;
using System.Text.Json;
using VibeZ.Gateway.Tests.Infrastructure;

namespace VibeZ.Gateway.Tests.Integration;

/// <summary>
/// History pages bounded in bytes, and the cap on concurrent history reads (docs/limits.md), against a real
/// redis-server and a real Gateway process: a page never holds more than <c>Gateway:MaxHistoryPageBytes</c>, and
/// following <c>next</c> (or resuming) still reaches every message exactly once.
/// </summary>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed class HistoryPagingTests
{
    // Room for two entries of the largest message (64 KiB + 4 KiB each): a page of 30 KB messages holds one or two.
    private const int PageBytes = 150_000;

    private static readonly string Large = $"\"{new string('x', 30_000)}\"";

    [Fact]
    public async Task LargeMessagesComeInPagesWithinMaxHistoryPageBytesAndNextReachesEachMessageOnce()
    {
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        await using var gateway = await SingleGateway.StartAsync(redis, ("Gateway__MaxHistoryPageBytes", $"{PageBytes}"));
        for (var i = 1; i <= 12; i++)
        {
            await ProtocolTests.PostAsync(gateway, "big", i % 2 == 0 ? $$"""{"n":{{i}}}""" : Large, key: $"m-{i}");
        }

        var offsets = new List<long>();
        var pages = new List<string>();
        long since = 0;
        for (var partial = true; partial; pages.Add($"{since}: {offsets.Count} messages"))
        {
            Assert.True(pages.Count < 12, $"next did not reach the end in 12 pages: {string.Join(", ", pages)}");
            using var page = await GetAsync(gateway, $"/api/channels/big/messages?since={since}");
            var messages = page.RootElement.GetProperty("messages").EnumerateArray().ToList();
            var bytes = messages.Sum(m => Encoding.UTF8.GetByteCount(m.GetRawText()));
            Assert.True(bytes <= PageBytes, $"the page after {since} holds {bytes} bytes, more than {PageBytes}");
            offsets.AddRange(messages.Select(m => m.GetProperty("offset").GetInt64()));
            partial = page.RootElement.GetProperty("partial").GetBoolean();
            since = page.RootElement.GetProperty("next").GetInt64();
        }

        Assert.Equal(Enumerable.Range(1, 12).Select(o => (long)o), offsets);
        Assert.True(pages.Count >= 4, $"12 messages, half of them 30 KB, in fewer pages than 4: {string.Join(", ", pages)}");
    }

    [Fact]
    public async Task AResumeAcrossSeveralByteBoundPagesIsRecoveredWithExactlyTheMissedMessages()
    {
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        await using var gateway = await SingleGateway.StartAsync(redis, ("Gateway__MaxHistoryPageBytes", $"{PageBytes}"));
        var first = await ProtocolTests.PostAsync(gateway, "resumed", Large, key: "m-1");
        for (var i = 2; i <= 8; i++)
        {
            await ProtocolTests.PostAsync(gateway, "resumed", Large, key: $"m-{i}");
        }

        await using var client = await GatewayClient.ConnectAsync(gateway, "returning");
        var subscribed = await client.SubscribeAsync("resumed", since: new { epoch = (string)first["epoch"]!, offset = 1 });

        Assert.True((bool)subscribed["recovered"]!, $"a resume of 7 messages in pages of at most 2 was not recovered: {subscribed.ToJsonString()}");
        Assert.Equal(8, (long)subscribed["offset"]!);
        Assert.Equal(Enumerable.Range(2, 7).Select(o => (long)o), client.Frames.Where(f => GatewayClient.IsMessage(f, "resumed")).Select(f => (long)f["offset"]!));
    }

    [Fact]
    public async Task AHistoryReadPastMaxConcurrentHistoryReadsIs429AndATimedOutReadIsNotSentAgainWhileItRuns()
    {
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        await using var gateway = await SingleGateway.StartAsync(
            redis,
            ("Gateway__MaxConcurrentHistoryReads", "1"),
            ("Redis__Resilience__AttemptTimeoutMilliseconds", "300"),
            ("Gateway__ReplicationTimeoutMilliseconds", "200"));
        await ProtocolTests.PostAsync(gateway, "capped", """{"n":1}""", key: "m-1");
        await RedisCli.RunAsync(redis.Port, redis.Password, "CONFIG", "RESETSTAT");

        // A stopped Redis holds whichever read arrives first, and with it the one place; the others find none.
        redis.Pause();
        var pending = Enumerable.Range(0, 5).Select(_ => gateway.Http.GetAsync("/api/channels/capped/messages", TestContext.Current.CancellationToken)).ToList();
        try
        {
            var refused = new List<HttpResponseMessage>();
            while (refused.Count < 4)
            {
                var answered = await TestWait.For(Task.WhenAny(pending), "four of five reads to be answered while Redis is stopped");
                pending.Remove(answered);
                refused.Add(await answered);
            }

            Assert.All(refused, r => Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode));
            using var problem = JsonDocument.Parse(await refused[0].Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            Assert.Equal("too_many_history_reads", problem.RootElement.GetProperty("code").GetString());
            Assert.True(problem.RootElement.GetProperty("retryable").GetBoolean());

            // Long enough for four attempt timeouts (300 ms each), after each of which the read used to be sent again.
            await Task.Delay(TimeSpan.FromMilliseconds(1500), TestContext.Current.CancellationToken);
        }
        finally
        {
            redis.Resume();
        }

        using var held = await TestWait.For(pending.Single(), "the read that held the place to be answered once Redis runs again");
        Assert.Equal(HttpStatusCode.OK, held.StatusCode);
        var stats = await RedisCli.RunAsync(redis.Port, redis.Password, "INFO", "commandstats");
        Assert.Contains("cmdstat_hmget:calls=1,", stats);
    }

    private static async Task<JsonDocument> GetAsync(GatewayProcess gateway, string path)
    {
        using var response = await gateway.Http.GetAsync(path, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body);
    }
}
