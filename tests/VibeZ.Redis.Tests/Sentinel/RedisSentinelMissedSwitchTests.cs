using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using VibeZ.Redis.Configuration;
using VibeZ.Redis.Connection;
using VibeZ.Redis.Telemetry;

namespace VibeZ.Redis.Tests.Sentinel;

[Trait("Category", "Integration")]
[Trait("Timing", "Alone")]
[Collection(nameof(TimingSensitive))]
public sealed class RedisSentinelMissedSwitchTests
{
    // The client asks the sentinels every second while a failover is pending and follows a new master once they name
    // it on two polls in a row (an announcement merely slower than one poll is not a missed one); StackExchange.Redis
    // asks them every second for the primary it lost, meanwhile. A second more for a loaded machine.
    private static readonly TimeSpan CompletionBound = 2 * RedisDefaults.FailoverSentinelPollInterval + TimeSpan.FromSeconds(2);

    [Fact]
    public async Task AMissedSwitchMasterIsRecoveredByAskingTheSentinels()
    {
        await using var topology = await SentinelProcesses.StartAsync();
        var oldMaster = $"127.0.0.1:{topology.Master.Port}";
        var newMaster = $"127.0.0.1:{topology.Replica.Port}";
        using var activities = new ActivityCollector();
        using var host = RedisTestHost.Build(topology.HostConfiguration);
        var multiplexer = host.Services.GetRequiredService<IConnectionMultiplexer>();
        var state = host.Services.GetRequiredService<IRedisConnectionState>();
        var states = new List<RedisConnectionStatus>();
        state.Changed += change =>
        {
            lock (states)
            {
                states.Add(change.Status);
            }
        };
        await TestWait.For(multiplexer.GetDatabase().StringSetAsync("vibez:test:missed", "before"), "a SET to the first master");

        // The sentinels drop their subscribers and refuse every channel but the one they talk to each other on: the
        // client's +switch-master subscription is down when the switch is announced, as if its sentinel connection were.
        foreach (var sentinel in topology.Sentinels)
        {
            await RedisCli.RunAsync(sentinel.Port, topology.SentinelPassword, "ACL", "SETUSER", "default", "resetchannels", "&__sentinel__:hello");
        }

        await TestWait.Until(async () =>
        {
            var subscribers = 0;
            foreach (var sentinel in topology.Sentinels)
            {
                var clients = await RedisCli.RunAsync(sentinel.Port, topology.SentinelPassword, "CLIENT", "LIST", "TYPE", "pubsub");
                subscribers += clients.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            }

            return (subscribers == 0, $"{subscribers} pub/sub clients on the sentinels");
        }, "the sentinels to have no subscriber left");

        await RedisCli.RunAsync(topology.Master.Port, topology.Password, "DEBUG", "SEGFAULT");
        var clock = Stopwatch.StartNew();
        await TestWait.Until(() => Task.FromResult((Seen(states, RedisConnectionStatus.Failover), state.Current.Detail)), $"the client to lose {oldMaster} and start a failover");

        await TestWait.Until(async () => (await topology.MasterAddressAsync() == newMaster, await topology.MasterAddressAsync()), $"the sentinels to name {newMaster}");
        var switchedAt = clock.Elapsed;
        var logs = host.Services.GetFakeLogCollector();
        await TestWait.Until(
            () => Task.FromResult((state.Current.Status == RedisConnectionStatus.Connected, $"{state.Current.Status}: {state.Current.Detail}; logs: {string.Join(" | ", logs.GetSnapshot().Where(r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Information).Select(r => r.Message).TakeLast(8))}")),
            "the connection state to return to connected", TimeSpan.FromSeconds(20));
        var completedAt = clock.Elapsed;

        Assert.Contains(logs.GetSnapshot(), r => r.Id.Name == "RedisSwitchMasterMissed" && r.Message.Contains(newMaster, StringComparison.Ordinal));
        var completed = Assert.Single(logs.GetSnapshot(), r => r.Id.Name == "RedisFailoverCompleted");
        Assert.StartsWith($"Redis failover completed: master moved from {oldMaster} to {newMaster} in ", completed.Message);
        Assert.Equal(newMaster, Assert.Single(activities.For(oldMaster), a => a.OperationName == RedisTelemetry.FailoverActivity).GetTagItem(RedisTelemetry.NewMasterTag));
        Assert.True(await multiplexer.GetDatabase().StringSetAsync("vibez:test:missed", "after"), "a SET after the failover returned false");
        Assert.True(
            completedAt - switchedAt <= CompletionBound,
            $"The failover completed {(completedAt - switchedAt).TotalMilliseconds:0} ms after the sentinels named {newMaster} ({switchedAt.TotalMilliseconds:0} ms after the crash); expected within {CompletionBound.TotalMilliseconds:0} ms.");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"Sentinels named {newMaster} {switchedAt.TotalMilliseconds:0} ms after the crash; the client completed the failover at {completedAt.TotalMilliseconds:0} ms without +switch-master. {completed.Message}");
    }

    private static bool Seen(List<RedisConnectionStatus> states, RedisConnectionStatus status)
    {
        lock (states)
        {
            return states.Contains(status);
        }
    }
}
