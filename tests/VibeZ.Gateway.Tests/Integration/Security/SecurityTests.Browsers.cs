using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace VibeZ.Gateway.Tests.Integration.Security;

/// <summary>What protects the Gateway from the web pages its users open: origins, content types, host names, headers.</summary>
public sealed partial class SecurityTests
{
    [Fact]
    public async Task AForeignOriginGets403AndOneLogLineWhileTheGatewaysOwnAndListedOnesConnect()
    {
        const string Evil = "http://evil.example:8080";

        Assert.Equal(HttpStatusCode.Forbidden, await HandshakeStatusAsync(Gateway.MintToken(), Evil));
        Assert.Equal(HttpStatusCode.Forbidden, await HandshakeStatusAsync(Gateway.MintToken(), Evil));
        await using (await GatewayClient.ConnectAsync(Gateway, "own page", Gateway.MintToken(), origin: $"http://{Gateway.BaseAddress.Authority}"))
        await using (await GatewayClient.ConnectAsync(Gateway, "listed page", Gateway.MintToken(), origin: AllowedOrigin))
        {
        }

        await TestWait.Until(() => Task.FromResult((Gateway.Output.Contains($"origin {Evil}:", StringComparison.Ordinal), "no log line yet")), $"the Gateway to log {Evil}");
        Assert.Equal(1, Gateway.Output.Split('\n').Count(l => l.Contains($"origin {Evil}:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task APostThatIsNotJsonIsRefusedWith415()
    {
        using var response = await Gateway.Http.PostAsync("/api/channels/room-1/messages", new StringContent("{\"n\":1}"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task ARequestForAnotherHostNameIsRefusedWith400()
    {
        using var http = Gateway.CreateAnonymousHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "rebound.evil.example";

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task ThePageComesWithTheUsualSecurityHeaders()
    {
        using var http = Gateway.CreateAnonymousHttpClient();
        using var response = await http.GetAsync("/", TestContext.Current.CancellationToken);

        response.EnsureSuccessStatusCode();
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("connect-src 'self'", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task TheDevelopmentTokenEndpointHandsOutATokenThatGrantsWhatItWasAskedFor()
    {
        using var http = Gateway.CreateAnonymousHttpClient();
        var answer = (await http.GetFromJsonAsync<JsonObject>("/api/dev/token?sub=judy&subscribe=room-*&publish=room-1", TestContext.Current.CancellationToken))!;
        await using var client = await GatewayClient.ConnectAsync(Gateway, "judy", bearer: null);

        var connected = await client.AuthenticateAsync((string)answer["token"]!);
        await client.SendAsync(new { type = "publish", channel = "room-2", data = 1, id = "x" });
        var error = await client.WaitForAsync(f => GatewayClient.Is(f, "error"), "the answer to an ungranted publish");

        Assert.Equal("judy", (string?)connected["sub"]);
        Assert.Equal("forbidden", (string?)error["code"]);
    }
}
