using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Hosting;

namespace VibeZ.Redis.Tests.Diagnostics;

[Trait("Category", "Integration")]
public sealed class RedisDiagnosticsEndpointsTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task DiagnosticsListEachEndpointWithTheAddressActuallyDialed()
    {
        await using var app = await StartAsync(("REDIS_NAT_MAP", $"redis-announced:6380=127.0.0.1:{redis.Port}"), ("REDIS_URL", "redis://redis-announced:6380"));

        var json = await TestWait.For(app.Client.GetStringAsync("/diagnostics/redis", TestContext.Current.CancellationToken), "GET /diagnostics/redis");

        Assert.Equal(
            $$"""{"mode":"single","endpoints":[{"announced":"redis-announced:6380","dialed":"127.0.0.1:{{redis.Port}}","connected":true,"role":"primary"}]}""",
            json);
    }

    [Fact]
    public async Task AValuePutThroughOneProcessIsReadThroughAnother()
    {
        await using var writer = await StartAsync(("REDIS_URL", $"redis://127.0.0.1:{redis.Port}"));
        await using var reader = await StartAsync(("REDIS_URL", $"redis://127.0.0.1:{redis.Port}"));
        var key = Guid.NewGuid().ToString("N");

        var put = await TestWait.For(
            writer.Client.PutAsync($"/diagnostics/redis/values/{key}", new StringContent("hello from the writer"), TestContext.Current.CancellationToken),
            "PUT of the value");
        var read = await TestWait.For(
            reader.Client.GetStringAsync($"/diagnostics/redis/values/{key}", TestContext.Current.CancellationToken),
            "GET of the value");

        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        Assert.Equal("hello from the writer", read);
    }

    [Fact]
    public async Task AMissingValueIsNotFound()
    {
        await using var app = await StartAsync(("REDIS_URL", $"redis://127.0.0.1:{redis.Port}"));

        var response = await TestWait.For(
            app.Client.GetAsync($"/diagnostics/redis/values/{Guid.NewGuid():N}", TestContext.Current.CancellationToken), "GET of a missing value");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task DiagnosticsAreMappedOutsideDevelopmentOnlyWhenEnabled()
    {
        await using var hidden = await TestWebApp.StartAsync(Environments.Production, ("REDIS_URL", $"redis://127.0.0.1:{redis.Port}"), ("REDIS_PASSWORD", redis.Password));
        await using var enabled = await TestWebApp.StartAsync(
            Environments.Production, ("REDIS_URL", $"redis://127.0.0.1:{redis.Port}"), ("REDIS_PASSWORD", redis.Password), ("VibeZ:Diagnostics:Enabled", "true"));

        var hiddenResponse = await TestWait.For(hidden.Client.GetAsync("/diagnostics/redis", TestContext.Current.CancellationToken), "GET on the hidden app");
        var enabledResponse = await TestWait.For(enabled.Client.GetFromJsonAsync<JsonElement>("/diagnostics/redis", TestContext.Current.CancellationToken), "GET on the enabled app");

        Assert.Equal(HttpStatusCode.NotFound, hiddenResponse.StatusCode);
        Assert.Equal("single", enabledResponse.GetProperty("mode").GetString());
    }

    private Task<TestWebApp> StartAsync(params (string Key, string? Value)[] configuration) =>
        TestWebApp.StartAsync(Environments.Development, [.. configuration, ("REDIS_PASSWORD", redis.Password)]);
}
