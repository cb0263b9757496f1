using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using VibeZ.Redis.Configuration;
using VibeZ.Redis.Connection;

namespace VibeZ.Redis.Tests.Connection;

[Trait("Category", "Integration")]
public sealed class RedisHostApplicationBuilderExtensionsTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private const string AnnouncedHost = "redis-announced";
    private const int AnnouncedPort = 6380;

    [Fact]
    public async Task ConnectingThroughTheNatMapDialsOnlyTheLoopbackAddress()
    {
        using var host = Build(
            ("REDIS_URL", $"redis://{AnnouncedHost}:{AnnouncedPort}"),
            ("REDIS_PASSWORD", redis.Password),
            ("REDIS_NAT_MAP", $"{AnnouncedHost}:{AnnouncedPort}=127.0.0.1:{redis.Port}"));

        var multiplexer = host.Services.GetRequiredService<IConnectionMultiplexer>();
        var database = multiplexer.GetDatabase();
        await TestWait.For(database.StringSetAsync("vibez:test:nat", "through-the-tunnel"), "SET through the NAT map");
        var value = await TestWait.For(database.StringGetAsync("vibez:test:nat"), "GET through the NAT map");

        Assert.Equal("through-the-tunnel", value.ToString());
        var dialed = host.Services.GetRequiredService<NatMapTunnel>().DialedEndPoints;
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, redis.Port), dialed[new DnsEndPoint(AnnouncedHost, AnnouncedPort)]);
        Assert.All(dialed.Values, endPoint => Assert.True(
            endPoint is IPEndPoint ip && IPAddress.IsLoopback(ip.Address), $"Dialed {endPoint}, which is not a loopback address."));
    }

    [Fact]
    public async Task TheRedisHealthCheckPingsTheServer()
    {
        using var host = Build(("REDIS_URL", $"redis://127.0.0.1:{redis.Port}"), ("REDIS_PASSWORD", redis.Password));

        var report = await TestWait.For(
            host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken),
            "the health checks");

        var entry = report.Entries["redis"];
        Assert.True(entry.Status == HealthStatus.Healthy, $"redis check was {entry.Status}: {entry.Description}");
        Assert.Contains("ready", entry.Tags);
        Assert.Equal(HealthStatus.Healthy, report.Entries["StackExchange.Redis"].Status);
    }

    [Fact]
    public async Task RedisPasswordReplacesTheUrlPasswordWithAWarningAndNoPasswordIsLogged()
    {
        const string UrlPassword = "url-password-that-is-wrong";
        using var host = Build(("REDIS_URL", $"redis://:{UrlPassword}@127.0.0.1:{redis.Port}"), ("REDIS_PASSWORD", redis.Password));

        var multiplexer = host.Services.GetRequiredService<IConnectionMultiplexer>();
        await TestWait.For(multiplexer.GetDatabase().PingAsync(), "PING with REDIS_PASSWORD");

        var records = host.Services.GetFakeLogCollector().GetSnapshot();
        var warning = Assert.Single(records, record => record.Id.Name == "RedisUrlPasswordOverridden");
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("REDIS_PASSWORD", warning.Message);
        Assert.All(records, record =>
        {
            Assert.DoesNotContain(UrlPassword, record.Message);
            Assert.DoesNotContain(redis.Password, record.Message);
        });
    }

    [Fact]
    public async Task AnAclUserConnectsWithRedisUsernameAndNeitherItsPasswordNorAWrongOneIsLogged()
    {
        const string User = "vibez-scan";
        var password = "acl-" + Guid.NewGuid().ToString("N");
        const string WrongPassword = "wrong-acl-password-value";
        Assert.Equal("OK", (await RedisCli.RunAsync(redis.Port, redis.Password, "ACL", "SETUSER", User, "on", $">{password}", "resetkeys", "~vibez:*", "-@all", "+@connection", "+info", "+get", "+set")).Trim());

        using (var host = Build(("REDIS_URL", $"redis://127.0.0.1:{redis.Port}"), ("REDIS_USERNAME", User), ("REDIS_PASSWORD", password)))
        {
            var multiplexer = host.Services.GetRequiredService<IConnectionMultiplexer>();
            await TestWait.For(multiplexer.GetDatabase().StringSetAsync("vibez:test:acl", "as-the-acl-user"), $"SET as {User}");
            var report = await TestWait.For(host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken), "the health checks");
            var whoAmI = (await RedisCli.RunAsync(redis.Port, redis.Password, "CLIENT", "LIST")).Split('\n');

            Assert.Contains(whoAmI, line => line.Contains($" user={User} ", StringComparison.Ordinal));
            Assert.True(report.Entries["redis"].Status == HealthStatus.Healthy, $"redis check was {report.Entries["redis"].Status}: {report.Entries["redis"].Description}");
            AssertNothingLogged(host, password, report);
        }

        using (var refused = Build(("REDIS_URL", $"redis://127.0.0.1:{redis.Port}"), ("REDIS_USERNAME", User), ("REDIS_PASSWORD", WrongPassword)))
        {
            var report = await TestWait.For(refused.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken), "the health checks");

            Assert.Equal(HealthStatus.Unhealthy, report.Entries["redis"].Status);
            AssertNothingLogged(refused, WrongPassword, report);
        }

        static void AssertNothingLogged(IHost host, string secret, HealthReport report)
        {
            var said = host.Services.GetFakeLogCollector().GetSnapshot()
                .Select(r => $"{r.Message} {r.Exception} {string.Join(' ', r.StructuredState?.Select(p => p.Value) ?? [])}")
                .Concat(report.Entries.Values.Select(e => $"{e.Description} {e.Exception}"))
                .ToList();
            Assert.NotEmpty(said);
            Assert.All(said, text => Assert.DoesNotContain(secret, text, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void BadSettingsStopRegistrationWithOneMessageNamingTheVariable()
    {
        var builder = CreateBuilder(("REDIS_MODE", "sentinel"), ("REDIS_SENTINELS", "s1:notaport"));

        var ex = Assert.Throws<RedisConfigurationException>(() => builder.AddVibeZRedis());

        Assert.Equal("REDIS_SENTINELS value 's1:notaport' is invalid: 's1:notaport' has port 'notaport', which is not a number.", ex.Message);
    }

    [Fact]
    public void RegisteringTwiceRegistersOneMultiplexer()
    {
        var builder = CreateBuilder(("REDIS_URL", $"redis://127.0.0.1:{redis.Port}"));

        builder.AddVibeZRedis().AddVibeZRedis();

        Assert.Single(builder.Services, service => service.ServiceType == typeof(IConnectionMultiplexer));
    }

    private static IHost Build(params (string Key, string? Value)[] configuration)
    {
        var builder = CreateBuilder(configuration);
        builder.AddVibeZRedis();
        return builder.Build();
    }

    private static HostApplicationBuilder CreateBuilder(params (string Key, string? Value)[] configuration)
    {
        // An empty builder reads no environment variables, so a REDIS_* on the test machine cannot leak in.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "VibeZ.Redis.Tests",
            EnvironmentName = Environments.Development,
        });
        builder.Configuration.AddInMemoryCollection(configuration.Select(pair => new KeyValuePair<string, string?>(pair.Key, pair.Value)));
        builder.Logging.AddFakeLogging();
        return builder;
    }
}
