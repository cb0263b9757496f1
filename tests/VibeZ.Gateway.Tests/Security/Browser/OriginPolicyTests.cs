using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using VibeZ.Gateway.Security.Browser;

namespace VibeZ.Gateway.Tests.Security.Browser;

public sealed class OriginPolicyTests
{
    [Theory]
    [InlineData(null, "localhost:8080", true)]
    [InlineData("http://localhost:8080", "localhost:8080", true)]
    [InlineData("http://LOCALHOST:8080", "localhost:8080", true)]
    [InlineData("https://app.example.com", "gateway.example.com", true)]
    [InlineData("http://localhost:9999", "localhost:8080", false)]
    [InlineData("http://evil.example", "localhost:8080", false)]
    [InlineData("https://app.example.com.evil.example", "localhost:8080", false)]
    [InlineData("null", "localhost:8080", false)]
    [InlineData("http://[::1]:8080", "[::1]:8080", true)]
    [InlineData("http://localhost", "localhost", true)]
    public void OnlyTheGatewaysOwnOriginAndListedOnesMayOpenASocket(string? origin, string host, bool allowed)
    {
        var policy = Create(["https://app.example.com"], new FakeLogger<OriginPolicy>());

        Assert.Equal(allowed, policy.Allows(Request(origin, host)));
    }

    [Fact]
    public void AStarAllowsAnyOrigin()
    {
        Assert.True(Create(["*"], new FakeLogger<OriginPolicy>()).Allows(Request("http://evil.example", "localhost")));
    }

    [Fact]
    public void ARefusedOriginIsLoggedOnceAndAFloodOfThemCostsOneMoreLine()
    {
        var logger = new FakeLogger<OriginPolicy>();
        var policy = Create(null, logger);

        policy.Allows(Request("http://evil.example", "localhost"));
        policy.Allows(Request("http://evil.example", "localhost"));
        for (var i = 0; i < 500; i++)
        {
            policy.Allows(Request($"http://evil-{i}.example", "localhost"));
        }

        var lines = logger.Collector.GetSnapshot();
        Assert.Single(lines, l => l.Message.Contains("origin http://evil.example:", StringComparison.Ordinal));
        Assert.Equal(101, lines.Count);
        Assert.Equal("OriginLogLimitReached", lines[^1].Id.Name);
    }

    [Theory]
    [InlineData("https://app.example.com", "https://app.example.com")]
    [InlineData("https://app.example.com:443", "https://app.example.com")]
    [InlineData("http://app.example.com:8080", "http://app.example.com:8080")]
    [InlineData("https://app.example.com/", null)]
    [InlineData("https://app.example.com/path", null)]
    [InlineData("ftp://app.example.com", null)]
    [InlineData("app.example.com", null)]
    public void AnAllowedOriginIsSchemeHostAndPortOnly(string configured, string? normalized)
    {
        Assert.Equal(normalized, OriginPolicy.Normalize(configured));
    }

    private static OriginPolicy Create(string[]? allowed, FakeLogger<OriginPolicy> logger) =>
        new(Options.Create(new GatewayOptions { AllowedOrigins = allowed }), logger);

    private static HttpRequest Request(string? origin, string host)
    {
        var context = new DefaultHttpContext();
        context.Request.Host = new HostString(host);
        if (origin is not null)
        {
            context.Request.Headers.Origin = origin;
        }

        return context.Request;
    }
}
