using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using VibeZ.Gateway.Tests.Infrastructure;

namespace VibeZ.Gateway.Tests.Integration.Limits;

/// <summary>Gateway:HttpRequestsPerSecondPerIp bounds one address's HTTP requests before its token is checked (docs/limits.md).</summary>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed class HttpRateLimitTests
{
    [Fact]
    public async Task AnAddressPastItsHttpRateGets429RateLimitedBeforeItsTokenIsCheckedWhileHealthStaysOpen()
    {
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        await using var gateway = await SingleGateway.StartAsync(redis, ("Gateway__HttpRequestsPerSecondPerIp", "1"), ("Gateway__HttpRequestBurstPerIp", "5"));
        using var anonymous = gateway.CreateAnonymousHttpClient();

        var clock = Stopwatch.StartNew();
        var answers = new List<(HttpStatusCode Status, string Body)>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await anonymous.GetAsync("/api/channels/room-1/messages", TestContext.Current.CancellationToken);
            answers.Add((response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)));
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var report = string.Join("\n", answers.Select(a => $"{(int)a.Status} {a.Body}"));

        // Without a token a request that gets past the limit is a 401; the bucket holds 5 and gains 1 a second (the
        // harness's own requests at start-up, besides /health, may have taken some of the 5).
        Assert.All(answers, a => Assert.Contains(a.Status, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests }));
        var admitted = answers.Count(a => a.Status == HttpStatusCode.Unauthorized);
        Assert.True(admitted >= 1 && admitted <= 5 + (int)Math.Ceiling(seconds) + 1, $"{admitted} requests got past the limit in {seconds:F1} s\n{report}");
        var refused = answers.First(a => a.Status == HttpStatusCode.TooManyRequests);
        var problem = JsonNode.Parse(refused.Body)!;
        Assert.Equal("rate_limited", (string?)problem["code"]);
        Assert.True((bool?)problem["retryable"], report);
        Assert.Contains("Gateway:HttpRequestsPerSecondPerIp", (string?)problem["detail"], StringComparison.Ordinal);

        // Health checks are not counted: an orchestrator's probes never take a Gateway out of rotation.
        using var health = await anonymous.GetAsync("/health", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
