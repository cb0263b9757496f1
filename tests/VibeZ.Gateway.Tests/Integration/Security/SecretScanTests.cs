using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace VibeZ.Gateway.Tests.Integration.Security;

/// <summary>
/// Runs a Gateway at Trace level through good and bad tokens, refused publishes, a Redis outage and every read-only
/// surface, keeps everything it said — logs, frames ($system and errors included), health output, HTTP answers and
/// their headers — and checks that no signing key, token or Redis password appears anywhere in it.
/// </summary>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed class SecretScanTests
{
    private readonly StringBuilder _captured = new();
    private readonly List<string> _tokens = [];

    [Fact]
    public async Task NoKeyTokenOrPasswordAppearsInAnythingTheGatewaySays()
    {
        var key = "scan-key-" + Guid.NewGuid().ToString("N");
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        await using var gateway = await GatewayProcess.StartAsync(
        [
            ("REDIS_MODE", "single"), ("REDIS_URL", $"redis://127.0.0.1:{redis.Port}"), ("REDIS_PASSWORD", redis.Password),
            (GatewayTokens.SigningKeySetting, key), ("Logging__LogLevel__Default", "Trace"), ("Logging__LogLevel__VibeZ", "Trace"),
        ]);
        using var http = gateway.CreateAnonymousHttpClient();
        var ct = TestContext.Current.CancellationToken;

        // Good tokens: on the handshake, in a connect frame, in a refresh.
        await using var header = await GatewayClient.ConnectAsync(gateway, "header", Keep(gateway.MintToken("scan-a")));
        await header.SubscribeAsync("$system");
        await header.SubscribeAsync("room-1");
        await using var framed = await GatewayClient.ConnectAsync(gateway, "framed", bearer: null);
        await framed.AuthenticateAsync(Keep(gateway.MintToken("scan-b", publish: "room-1")));
        await framed.SendAsync(new { type = "refresh", token = Keep(gateway.MintToken("scan-b", publish: "room-1")) });
        await framed.WaitForAsync(f => GatewayClient.Is(f, "refreshed"), "the refresh answer");
        await framed.SendAsync(new { type = "publish", channel = "room-2", data = "refused", id = "f-1" });
        await framed.SendAsync(new { type = "refresh", token = Keep(GatewayTokens.Mint("scan-b", key: "a-wrong-key-that-is-long-enough-0123456789")) });
        await framed.WaitForCountAsync(f => GatewayClient.Is(f, "error"), 2, "errors for a forbidden publish and a bad refresh");

        // Bad tokens: on the handshake, in a connect frame, on HTTP.
        await using (var refused = await GatewayClient.ConnectAsync(gateway, "refused", bearer: null))
        {
            await refused.AuthenticateAsync(Keep(GatewayTokens.Mint("scan-c", lifetime: TimeSpan.FromSeconds(-60), key: key)));
            Capture(refused);
        }

        await CaptureAsync(http, HttpMethod.Get, "/api/node", Keep(GatewayTokens.Mint("scan-d", key: "a-wrong-key-that-is-long-enough-0123456789")));
        await CaptureAsync(http, HttpMethod.Get, "/api/node", Keep(gateway.MintToken("scan-e")));
        await CaptureAsync(http, HttpMethod.Post, "/api/channels/room-1/messages", Keep(gateway.MintToken("scan-e")), "{\"n\":1}");
        await CaptureAsync(http, HttpMethod.Get, "/api/channels/room-1/messages", Keep(gateway.MintToken("scan-e")));
        var devToken = (await http.GetFromJsonAsync<JsonObject>("/api/dev/token?sub=scan-f&subscribe=*", ct))!;
        await using (var dev = await GatewayClient.ConnectAsync(gateway, "dev", Keep((string)devToken["token"]!)))
        {
            await dev.SubscribeAsync("room-1");
            Capture(dev);
        }

        // A Redis outage: $system reports it, with its endpoint and detail, and so does /health.
        redis.Kill();
        await header.WaitForAsync(f => GatewayClient.IsMessage(f, "$system") && (string?)f["data"]!["state"] != "connected", "$system to report the outage");
        await CaptureAsync(http, HttpMethod.Get, "/health", bearer: null);
        await redis.StartAsync();
        await header.WaitForAsync(f => GatewayClient.IsMessage(f, "$system") && (string?)f["data"]!["state"] == "connected", "$system to report Redis back", after: 3);
        await CaptureAsync(http, HttpMethod.Get, "/health", bearer: null);
        await CaptureAsync(http, HttpMethod.Get, "/alive", bearer: null);
        await CaptureAsync(http, HttpMethod.Get, "/", bearer: null);
        Capture(header);
        Capture(framed);
        _captured.AppendLine(gateway.Output);

        var secrets = new List<(string What, string Value)>
        {
            ("the signing key", key),
            ("the signing key in base64", Convert.ToBase64String(Encoding.UTF8.GetBytes(key))),
            ("the Redis password", redis.Password),
        };
        secrets.AddRange(_tokens.Select((t, i) => ($"token {i + 1}", t)));
        secrets.AddRange(_tokens.Select((t, i) => ($"the signature of token {i + 1}", t[(t.LastIndexOf('.') + 1)..])));
        var text = _captured.ToString();
        Assert.True(text.Length > 10_000, $"too little was captured to mean anything: {text.Length} characters");
        Assert.Contains("reconnecting", text);

        // /health's details are scanned too: the Redis check's description of the outage (its reason, from the client's error).
        Assert.Contains("\"redis\":{\"status\":\"Unhealthy\",\"description\":\"", text);
        var found = secrets.Where(s => s.Value.Length > 0 && text.Contains(s.Value, StringComparison.Ordinal)).Select(s => s.What).ToList();
        Assert.True(found.Count == 0, $"{string.Join(", ", found)} appeared in what the Gateway said ({text.Length} characters scanned)");
    }

    private string Keep(string token)
    {
        _tokens.Add(token);
        return token;
    }

    private void Capture(GatewayClient client)
    {
        foreach (var frame in client.Frames)
        {
            _captured.AppendLine(frame.ToJsonString());
        }

        _captured.AppendLine($"close: {client.CloseStatus} {client.CloseDescription}");
    }

    private async Task CaptureAsync(HttpClient http, HttpMethod method, string path, string? bearer, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new("Bearer", bearer);
        }

        if (json is not null)
        {
            request.Content = ProtocolTests.Json(json);
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        _captured.AppendLine($"{method} {path}: {(int)response.StatusCode}\n{response.Headers}\n{response.Content.Headers}");
        _captured.AppendLine(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
