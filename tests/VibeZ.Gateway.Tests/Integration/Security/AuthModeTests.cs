using System.Diagnostics;
using System.Net;
using VibeZ.Testing.Processes;

namespace VibeZ.Gateway.Tests.Integration.Security;

/// <summary>How the Gateway starts with authentication off, in Production, and with a key too short to trust.</summary>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed class AuthModeTests
{
    private const string OffWarning = "Client authentication is OFF (Gateway:Auth:Mode=None)";

    [Fact]
    public async Task WithAuthenticationOffTheGatewayWarnsAtEveryStartAndServesAnonymousClients()
    {
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        (string, string?)[] settings = [.. Redis(redis), ("Gateway__Auth__Mode", "None")];

        await using (var first = await GatewayProcess.StartAsync(settings))
        {
            await WaitForLineAsync(first, OffWarning);
        }

        await using var second = await GatewayProcess.StartAsync([.. settings, ("ASPNETCORE_ENVIRONMENT", "Production")]);
        await WaitForLineAsync(second, OffWarning);
        await using var anonymous = await GatewayClient.ConnectAsync(second, "anonymous", bearer: null);
        await anonymous.SendAsync(new { type = "publish", channel = "open", data = 1, id = "a-1" });
        await anonymous.WaitForAsync(f => GatewayClient.Is(f, "ack"), "an ack for an anonymous publish");
        using var http = second.CreateAnonymousHttpClient();
        using var history = await http.GetAsync("/api/channels/open/messages", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, history.StatusCode);
    }

    [Fact]
    public async Task InProductionThereIsNoTokenEndpoint()
    {
        await using var redis = new RedisServerProcess();
        await redis.InitializeAsync();
        await using var gateway = await GatewayProcess.StartAsync([.. Redis(redis), ("ASPNETCORE_ENVIRONMENT", "Production")]);
        using var http = gateway.CreateAnonymousHttpClient();

        using var response = await http.GetAsync("/api/dev/token?sub=x&subscribe=*", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain(OffWarning, gateway.Output);
    }

    [Fact]
    public async Task AShortSigningKeyStopsStartUpNamingTheSettingButNotTheKey()
    {
        const string Short = "too-short-a-secret";
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(ServiceProcess.BuildOutput("VibeZ.Gateway"))!,
        };
        startInfo.ArgumentList.Add(ServiceProcess.BuildOutput("VibeZ.Gateway"));
        startInfo.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{RedisServerProcess.GetFreePort()}";
        startInfo.Environment["REDIS_MODE"] = "single";
        startInfo.Environment["REDIS_URL"] = $"redis://127.0.0.1:{RedisServerProcess.GetFreePort()}";
        startInfo.Environment["Gateway__Auth__SigningKey"] = Short;
        startInfo.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = null;

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TestWait.Timeout, TestContext.Current.CancellationToken);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }

        var text = await output + await errors;
        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("Gateway:Auth:SigningKey is 18 bytes long", text);
        Assert.DoesNotContain(Short, text);
    }

    private static (string, string?)[] Redis(RedisServerProcess redis) =>
        [("REDIS_MODE", "single"), ("REDIS_URL", $"redis://127.0.0.1:{redis.Port}"), ("REDIS_PASSWORD", redis.Password)];

    private static Task WaitForLineAsync(GatewayProcess gateway, string line) =>
        TestWait.Until(() => Task.FromResult((gateway.Output.Contains(line, StringComparison.Ordinal), $"{gateway.LineCount} lines")), $"the Gateway to log '{line}'");
}
