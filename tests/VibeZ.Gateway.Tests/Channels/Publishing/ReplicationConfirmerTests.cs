using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using StackExchange.Redis;
using VibeZ.Channels.Publishing;
using VibeZ.Redis.Connection;

namespace VibeZ.Gateway.Tests.Channels.Publishing;

/// <summary>
/// <see cref="ReplicationConfirmer"/> on a real master and replica, wired as the Gateway wires it: a write is confirmed
/// once the replica has it, not while the replica is stopped, and never on another history or on a node that is not
/// the master. Nothing here lists the replica to the client, as the sentinels do not in the seconds after it joins.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ReplicationConfirmerTests : IAsyncLifetime
{
    private static readonly TimeSpan ReplicationTimeout = TimeSpan.FromMilliseconds(GatewayDefaults.ReplicationTimeoutMilliseconds);

    private readonly RedisServerProcess _master = new("redis-server", Password, null, "--masterauth", Password);
    private RedisServerProcess _replica = null!;
    private IHost _host = null!;

    private static string Password { get; } = "confirm-" + Guid.NewGuid().ToString("N");

    private IConnectionMultiplexer Multiplexer => _host.Services.GetRequiredService<IConnectionMultiplexer>();

    private ReplicationConfirmer Confirmer => _host.Services.GetRequiredService<ReplicationConfirmer>();

    public async ValueTask InitializeAsync()
    {
        await _master.InitializeAsync();
        _replica = new RedisServerProcess("redis-server", Password, null, "--masterauth", Password, "--replicaof", "127.0.0.1", _master.Port.ToString());
        await _replica.InitializeAsync();
        await TestWait.Until(async () => (await RedisCli.RunAsync(_master.Port, Password, "INFO", "replication")).Contains("state=online", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), $"the replica on {_replica.Port} to be online at the master on {_master.Port}");

        _host = await StartHostAsync(user: null, Password);
    }

    [Fact]
    public async Task AWriteIsConfirmedOnceTheReplicaHasIt()
    {
        var key = $"vibez:confirm:{Guid.NewGuid():N}";

        await Multiplexer.GetDatabase().StringSetAsync(key, "replicated");
        var confirmation = await Confirmer.ConfirmAsync(await TicketAsync(), TestContext.Current.CancellationToken);

        Assert.Equal(ReplicationConfirmation.Confirmed, confirmation);
        Assert.Equal("replicated", (await RedisCli.RunAsync(_replica.Port, Password, "GET", key)).Trim());
    }

    [Fact]
    public async Task AWriteIsNotConfirmedWhileTheReplicaIsStoppedAndIsOnceItRunsAgain()
    {
        var ticket = await TicketAsync();
        _replica.Pause();
        ReplicationConfirmation whilePaused;
        var clock = Stopwatch.StartNew();
        try
        {
            await Multiplexer.GetDatabase().StringSetAsync($"vibez:confirm:{Guid.NewGuid():N}", "held");
            whilePaused = await Confirmer.ConfirmAsync(ticket, TestContext.Current.CancellationToken);
        }
        finally
        {
            _replica.Resume();
        }

        var waited = clock.Elapsed;
        var afterResume = await Confirmer.ConfirmAsync(ticket, TestContext.Current.CancellationToken);

        Assert.Equal(ReplicationConfirmation.NotConfirmed, whilePaused);
        Assert.True(waited >= ReplicationTimeout * 0.9, $"a write the stopped replica cannot have was refused after {waited.TotalMilliseconds:0} ms, before the {ReplicationTimeout.TotalMilliseconds:0} ms timeout");
        Assert.Equal(ReplicationConfirmation.Confirmed, afterResume);
    }

    [Fact]
    public async Task AnotherHistoryOrANodeThatIsNotTheMasterIsNeverConfirmed()
    {
        var ticket = await TicketAsync();
        var replica = new IPEndPoint(IPAddress.Loopback, _replica.Port);

        var otherHistory = await Confirmer.ConfirmAsync(ticket with { ReplicationId = new string('0', 40) }, TestContext.Current.CancellationToken);
        var notTheMaster = await Confirmer.ConfirmAsync(ticket with { Server = replica }, TestContext.Current.CancellationToken);

        Assert.Equal(ReplicationConfirmation.Moved, otherHistory);
        Assert.Equal(ReplicationConfirmation.Moved, notTheMaster);
    }

    [Fact]
    public async Task AMasterThatRefusesWaitConfirmsNothingAndTheRefusalIsLoggedOnce()
    {
        var user = "no-wait-" + Guid.NewGuid().ToString("N")[..8];
        await RedisCli.RunAsync(_master.Port, Password, "ACL", "SETUSER", user, "on", ">" + Password, "~*", "&*", "+@all", "-wait");
        using var host = await StartHostAsync(user, Password);
        var confirmer = host.Services.GetRequiredService<ReplicationConfirmer>();
        var ticket = await TicketAsync();

        var first = await confirmer.ConfirmAsync(ticket, TestContext.Current.CancellationToken);
        var second = await confirmer.ConfirmAsync(ticket, TestContext.Current.CancellationToken);
        await host.StopAsync(CancellationToken.None);

        Assert.Equal(ReplicationConfirmation.NotConfirmed, first);
        Assert.Equal(ReplicationConfirmation.NotConfirmed, second);
        var refusals = host.Services.GetRequiredService<FakeLogCollector>().GetSnapshot().Where(r => r.Id.Name == "ReplicationCheckRefused").ToList();
        var refusal = Assert.Single(refusals);
        Assert.Contains("NOPERM", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("WAIT", refusal.Message, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync(CancellationToken.None);
            _host.Dispose();
        }

        if (_replica is not null)
        {
            await _replica.DisposeAsync();
        }

        await _master.DisposeAsync();
    }

    // A host wired as the Gateway wires the confirmer, connected to the master as user (the default user when null).
    private async Task<IHost> StartHostAsync(string? user, string password)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["REDIS_URL"] = $"redis://127.0.0.1:{_master.Port}",
            ["REDIS_USERNAME"] = user,
            ["REDIS_PASSWORD"] = password,
        });
        builder.Logging.AddFakeLogging();
        builder.AddVibeZRedis();
        builder.Services.AddOptions<GatewayOptions>();
        builder.Services.AddSingleton<ReplicationWaitConnections>();
        builder.Services.AddSingleton<ReplicationConfirmer>();
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return host;
    }

    // What a script's write returns: the master it ran on and that master's history.
    private async Task<ReplicationTicket> TicketAsync()
    {
        var master = Multiplexer.GetEndPoints().Single(e => e is IPEndPoint { Port: var port } && port == _master.Port);
        var info = (await Multiplexer.GetServer(master).InfoAsync("replication")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
        return new ReplicationTicket(master, info["master_replid"]);
    }
}
