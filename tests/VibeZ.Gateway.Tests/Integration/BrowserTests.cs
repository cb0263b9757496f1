using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using VibeZ.Gateway.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace VibeZ.Gateway.Tests.Integration;

/// <summary>
/// The Gateway's page in a real browser (Debian's Chromium through Playwright), one page on each of two Gateway
/// processes: what a person types on one appears on the other, and the Redis state label follows a failover.
/// </summary>
[Trait("Category", "Integration")]
[Collection(GatewayIntegration.Name)]
public sealed class BrowserTests
{
    private const string Channel = "room-1";

    // Sentinel's down-after (1.5 s in these topologies) plus an election; generous, since the two cores also run
    // five Redis processes, two Gateways and a browser.
    private const float FailoverTimeout = 30_000;

    private static readonly LocatorAssertionsToHaveTextOptions Soon = new() { Timeout = BrowserPage.Timeout };
    private static readonly LocatorAssertionsToHaveAttributeOptions SoonAttribute = new() { Timeout = BrowserPage.Timeout };

    [Fact]
    public async Task AMessageTypedOnOneGatewaysPageAppearsOnTheOthersAndTheRedisStateLabelFollowsAFailover()
    {
        var clock = Stopwatch.StartNew();
        await using var topology = await GatewayTopology.StartAsync("sentinel");
        var started = clock.Elapsed;
        await using var browser = await BrowserSession.StartAsync();
        var pageA = await browser.OpenAsync("page A", topology.First.BaseAddress);
        var pageB = await browser.OpenAsync("page B", topology.Second.BaseAddress);
        var pagesOpen = clock.Elapsed;
        try
        {
            await Expect(pageA.Node).ToHaveTextAsync(topology.First.Node, Soon);
            await Expect(pageB.Node).ToHaveTextAsync(topology.Second.Node, Soon);
            Assert.NotEqual(topology.First.Node, topology.Second.Node);
            await Expect(pageA.RedisState).ToHaveTextAsync("connected", Soon);

            await pageA.JoinAsync(Channel);
            await pageB.JoinAsync(Channel);
            await pageA.SendAsync(Channel, "hello from A");

            var first = pageB.Message(Channel, "hello from A");
            await Expect(first.GetByTestId("message-offset")).ToHaveTextAsync("#1", Soon);
            await Expect(pageA.SendStatus).ToHaveAttributeAsync("data-state", "acked", SoonAttribute);
            var epoch = await first.GetAttributeAsync("data-epoch");
            Assert.NotNull(epoch);
            Assert.NotEmpty(epoch);
            await Expect(first.GetByTestId("message-epoch")).ToHaveTextAsync(epoch[..Math.Min(8, epoch.Length)], Soon);

            var crashedAt = clock.Elapsed;
            var crashed = await CrashMasterAsync(topology.Sentinel!);

            // The label must show the outage (reconnecting, then failover while the sentinels promote the replica)
            // and then come back; the notices keep the transitions, so the failover is visible after the fact too.
            await Expect(pageA.RedisState).ToHaveTextAsync(new Regex("^(reconnecting|failover)$"), new() { Timeout = FailoverTimeout });
            var leftAt = clock.Elapsed;
            await Expect(pageA.RedisState).ToHaveTextAsync("connected", new() { Timeout = FailoverTimeout });
            var backAt = clock.Elapsed;
            await Expect(pageB.RedisState).ToHaveTextAsync("connected", new() { Timeout = FailoverTimeout });
            await Expect(pageA.Notices.And(pageA.Page.Locator("[data-kind=redis][data-state=failover]")).First).ToBeAttachedAsync(new() { Timeout = BrowserPage.Timeout });

            // The only replica became the master, so nothing can be replicated: the master refuses the write at once
            // (min-replicas-to-write), the page resends it with the same id and then says not_replicated, and the
            // message is never shown anywhere, because nothing a replica does not have is delivered.
            await pageA.SendAsync(Channel, "while no replica");
            await Expect(pageA.SendStatus).ToHaveAttributeAsync("data-state", "error", new() { Timeout = FailoverTimeout });
            await Expect(pageA.SendStatus).ToContainTextAsync("not_replicated", new() { Timeout = BrowserPage.Timeout });

            // A supervisor brings the crashed node back as a replica of the new master; then a message is acked
            // again and continues the same history: nothing acked before was lost, nothing unreplicated was shown.
            await RestartAsReplicaAsync(topology.Sentinel!, crashed);
            await pageA.SendAsync(Channel, "after the failover");
            var second = pageB.Message(Channel, "after the failover");
            await Expect(second.GetByTestId("message-offset")).ToHaveTextAsync("#2", new() { Timeout = FailoverTimeout });
            await Expect(second).ToHaveAttributeAsync("data-epoch", epoch, SoonAttribute);
            await Expect(pageA.SendStatus).ToHaveAttributeAsync("data-state", "acked", SoonAttribute);
            await Expect(pageB.Message(Channel, "while no replica")).ToHaveCountAsync(0, new() { Timeout = BrowserPage.Timeout });
            await Expect(pageB.Notices.And(pageB.Page.Locator("[data-kind=gap]"))).ToHaveCountAsync(0, new() { Timeout = BrowserPage.Timeout });
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"Topology up after {started.TotalSeconds:0.0} s, both pages open at {pagesOpen.TotalSeconds:0.0} s; master crashed at {crashedAt.TotalSeconds:0.0} s; the label left 'connected' " +
                $"{(leftAt - crashedAt).TotalSeconds:0.0} s later and came back {(backAt - crashedAt).TotalSeconds:0.0} s after the crash; done at {clock.Elapsed.TotalSeconds:0.0} s.");
        }
        catch
        {
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{await pageA.DescribeAsync()}\n{await pageB.DescribeAsync()}\n{topology.Logs}");
            throw;
        }
    }

    /// <summary>Starts the crashed node again as a replica of the master the sentinels name now, and waits until it is in sync.</summary>
    private static async Task RestartAsReplicaAsync(SentinelProcesses sentinel, RedisServerProcess crashed)
    {
        var address = await sentinel.MasterAddressAsync();
        crashed.Kill();
        await crashed.StartAsync("--replicaof", "127.0.0.1", address.Split(':')[^1]);
        await TestWait.Until(
            async () =>
            {
                var replication = await RedisCli.RunAsync(crashed.Port, sentinel.Password, "INFO", "replication");
                return (replication.Contains("master_link_status:up", StringComparison.Ordinal), replication.ReplaceLineEndings(" "));
            },
            $"the restarted node {crashed.Port} to sync with the new master {address}");
    }

    /// <summary>Crashes the master the sentinels name now (<c>DEBUG SEGFAULT</c>) and returns it.</summary>
    private static async Task<RedisServerProcess> CrashMasterAsync(SentinelProcesses sentinel)
    {
        var address = await sentinel.MasterAddressAsync();
        var port = int.Parse(address.Split(':')[^1]);
        var master = new[] { sentinel.Master, sentinel.Replica }.SingleOrDefault(node => node.Port == port)
            ?? throw new InvalidOperationException($"The sentinels name {address} as master, which is neither data node ({sentinel.Master.Port}, {sentinel.Replica.Port}).");

        // The server dies before it answers, so redis-cli reports a lost connection: that is the point.
        var output = await RedisCli.RunAsync(master.Port, sentinel.Password, "DEBUG", "SEGFAULT");
        TestContext.Current.TestOutputHelper?.WriteLine($"DEBUG SEGFAULT on {address}: {output.Trim()}");
        return master;
    }
}
