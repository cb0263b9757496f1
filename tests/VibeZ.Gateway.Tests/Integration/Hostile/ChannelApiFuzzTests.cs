using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using VibeZ.Gateway.Tests.Infrastructure;

namespace VibeZ.Gateway.Tests.Integration.Hostile;

/// <summary>
/// Hostile input for the HTTP API, generated (as <c>ClientFrameFuzzTests</c> does for frames) and sent to a real
/// Gateway on a real redis-server: whatever the channel, query, headers and body, the answer is never a 5xx, every
/// 400 is a problem with a known code, and the Gateway is still serving afterwards.
/// </summary>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed class ChannelApiFuzzTests
{
    private static readonly HashSet<string> Codes = [.. typeof(GatewayErrorCodes).GetFields().Select(f => (string)f.GetValue(null)!)];

    // No %00 in the path: Kestrel refuses a NUL in the request target with a bare 400 before any of the Gateway runs.
    private static readonly string[] Channels =
    [
        "room-1", "$system", "%24system", "", "%20", "a%2Fb", new string('x', 129), "%F0%9F%98%80", "..", "%25", "room%201",
    ];

    private static readonly string[] Numbers =
    [
        "0", "1", "-1", "9223372036854775807", "9223372036854775808", "9007199254740991", "9007199254740992", "2147483648",
        "1e3", "0x10", " 1", "1.0", "", "%00", "NaN", "+1", "٣",
    ];

    private static readonly string[] ContentTypes = ["application/json", "text/plain", "application/json; charset=utf-8", "application/x-www-form-urlencoded", ""];

    private static readonly Gen<string> Number = Gen.Frequency(
        (4, Gen.OneOf(Numbers)),
        (2, Gen.Long.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (1, Gen.String[0, 30].Select(Uri.EscapeDataString)));

    private static readonly Gen<string> Query = Gen.Select(Number.Null(), Number.Null()).Select(q =>
        string.Join('&', new[] { q.Item1 is null ? null : "since=" + q.Item1, q.Item2 is null ? null : "limit=" + q.Item2 }.OfType<string>()));

    private static readonly Gen<byte[]> Body = Gen.Frequency(
        (2, Gen.Byte.Array[0, 300]),
        (2, Gen.OneOf("{}", "[]", "null", """{"n":1}""", "\"x\"", "{", """{"a":""" + new string('[', 200), "1e400").Select(Encoding.UTF8.GetBytes)),
        (1, Gen.Int[65_000, 70_000].Select(n => Encoding.UTF8.GetBytes("\"" + new string('x', n) + "\""))));

    private static readonly Gen<HttpRequestMessage> Request = Gen.Frequency(
        (1, Gen.Select(Gen.OneOf(Channels), Query).Select(r => new HttpRequestMessage(HttpMethod.Get, $"/api/channels/{r.Item1}/messages?{r.Item2}"))),
        (1, Gen.Select(Gen.OneOf(Channels), Body, Gen.OneOf(ContentTypes), Gen.String[0, 200].Null()).Select(r =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/channels/{r.Item1}/messages") { Content = new ByteArrayContent(r.Item2) };
            if (r.Item3.Length > 0 && MediaTypeHeaderValue.TryParse(r.Item3, out var type))
            {
                request.Content.Headers.ContentType = type;
            }

            request.Headers.TryAddWithoutValidation("Idempotency-Key", r.Item4);
            return request;
        })));

    [Fact]
    public async Task AnyRequestGetsAnAnswerBelow500AndEvery400IsAProblemWithAKnownCode()
    {
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        await using var gateway = await SingleGateway.StartAsync(redis, ("Gateway__Durability", "Leader"));

        await Request.SampleAsync(
            async request =>
            {
                using var sent = request;
                using var response = await gateway.Http.SendAsync(sent, TestContext.Current.CancellationToken).WaitAsync(TestWait.Timeout);
                var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                var what = $"{sent.Method} {sent.RequestUri} answered {(int)response.StatusCode}: {(body.Length > 300 ? body[..300] : body)}";
                Assert.True((int)response.StatusCode < 500, what);
                if (response.StatusCode == HttpStatusCode.BadRequest)
                {
                    Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", what);
                    Assert.True(Codes.Contains((string?)JsonNode.Parse(body)?["code"] ?? ""), what);
                }
            },
            iter: 400, threads: 2, print: r => $"{r.Method} {r.RequestUri}");

        using var node = await gateway.Http.GetAsync("/api/node", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, node.StatusCode);
    }
}
