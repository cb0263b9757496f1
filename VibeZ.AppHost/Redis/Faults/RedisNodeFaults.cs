using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using VibeZ.Redis;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>What the Crash, Hang and Stall replication commands do to one node, and how each knows it worked.</summary>
internal static class RedisNodeFaults
{
    /// <summary>How long a node may take to write its crash report and exit.</summary>
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(20);

    /// <summary>A refusal of DEBUG comes at once; a sleeping node says nothing for seconds.</summary>
    private static readonly TimeSpan RefusalWait = TimeSpan.FromMilliseconds(500);

    /// <summary>Crashes the node with <c>DEBUG SEGFAULT</c>; succeeds once Aspire sees it exit.</summary>
    public static async Task<ExecuteCommandResult> CrashAsync(ExecuteCommandContext context, RedisTopologyResource topology, RedisNode node, CancellationToken cancellationToken)
    {
        var password = await topology.PasswordParameter.GetValueAsync(cancellationToken) ?? "";
        try
        {
            var reply = await RedisNodeClient.QueryAsync(topology.NodeAddress(node.Port, password), ["DEBUG", "SEGFAULT"], cancellationToken);
            return CommandResults.Failure($"{node.Name} answered DEBUG SEGFAULT with '{reply}' instead of crashing.");
        }
        catch (RedisNodeException ex) when (ex.IsErrorReply)
        {
            // An error reply, not a dropped connection: DEBUG is refused (enable-debug-command) or the password is wrong.
            return CommandResults.Failure($"{node.Name} refused DEBUG SEGFAULT: {ex.Message}");
        }
        catch (RedisNodeException)
        {
            // The node died before it could answer: that is the point.
        }

        var notifications = context.Services.GetRequiredService<ResourceNotificationService>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ExitTimeout);
        try
        {
            var exited = await notifications.WaitForResourceAsync(node.Name, e => IsDown(e.Snapshot.State?.Text), timeout.Token);
            return CommandResults.Success($"{node.Name} crashed (DEBUG SEGFAULT) and is {exited.Snapshot.State?.Text}; ▶ Start brings it back with its data.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var state = notifications.TryGetCurrentState(node.Name, out var current) ? current.Snapshot.State?.Text : "unknown";
            return CommandResults.Failure($"{node.Name} got DEBUG SEGFAULT but is still '{state}' after {ExitTimeout.TotalSeconds:0} s.");
        }
    }

    /// <summary>Blocks the node for <paramref name="seconds"/> with <c>DEBUG SLEEP</c>, sent without waiting for the reply.</summary>
    public static async Task<ExecuteCommandResult> SleepAsync(RedisTopologyResource topology, RedisNode node, int seconds, CancellationToken cancellationToken)
    {
        var until = await SleepUntilAsync(topology, node, seconds, cancellationToken);
        return until is DateTimeOffset wakes
            ? CommandResults.Success($"{node.Name} hangs for {seconds} s (DEBUG SLEEP {seconds}): its connections stay open and it answers nothing, to clients, replicas or sentinels, until {wakes:HH:mm:ss}.")
            : CommandResults.Failure($"{node.Name} answered DEBUG SLEEP {seconds} at once instead of sleeping.");
    }

    /// <summary>Stalls a replica with <c>DEBUG SLEEP</c>: it stops acknowledging the replication stream for that long.</summary>
    public static async Task<ExecuteCommandResult> StallReplicationAsync(RedisTopologyResource topology, RedisNode node, CancellationToken cancellationToken)
    {
        var password = await topology.PasswordParameter.GetValueAsync(cancellationToken) ?? "";
        await using var client = topology.NodeClient(node, password);
        var replication = await client.InfoAsync("replication", cancellationToken);
        if (replication.Get("role") != "slave")
        {
            return CommandResults.Failure($"{node.Name} is a {replication.Get("role")} now, not a replica: run Stall replication on one of its replicas.");
        }

        var master = $"{replication.Get("master_host")}:{replication.Get("master_port")}";
        var seconds = RedisFaultCommands.StallSeconds;
        var until = await SleepUntilAsync(topology, node, seconds, cancellationToken);
        if (until is not DateTimeOffset wakes)
        {
            return CommandResults.Failure($"{node.Name} answered DEBUG SLEEP {seconds} at once instead of sleeping.");
        }

        var lag = topology.MastersNeedAReplica
            ? $"; once its lag passes min-replicas-max-lag ({topology.Settings.MinReplicasMaxLagSeconds.ToString(CultureInfo.InvariantCulture)} s) a master with no other replica in sync refuses writes (NOREPLICAS)"
            : "";
        return CommandResults.Success($"Replica {node.Name} stalls for {seconds} s (DEBUG SLEEP {seconds}), until {wakes:HH:mm:ss}: its master {master} gets no acknowledgements and its lag grows{lag}.");
    }

    /// <returns>When the node wakes, or <see langword="null"/> when it answered at once (it did not sleep).</returns>
    private static async Task<DateTimeOffset?> SleepUntilAsync(RedisTopologyResource topology, RedisNode node, int seconds, CancellationToken cancellationToken)
    {
        var password = await topology.PasswordParameter.GetValueAsync(cancellationToken) ?? "";
        var sent = DateTimeOffset.Now;
        try
        {
            // Disposing the client closes the connection without waiting for the reply; the node sleeps on regardless.
            await using var client = topology.NodeClient(node, password);
            var reply = await client.StartAsync(["DEBUG", "SLEEP", seconds.ToString(CultureInfo.InvariantCulture)], RefusalWait, cancellationToken);
            return reply is null ? sent.AddSeconds(seconds) : null;
        }
        catch (RedisNodeException ex) when (ex.IsErrorReply)
        {
            throw new RedisNodeException($"{node.Name} refused DEBUG SLEEP: {ex.Message}") { IsErrorReply = true };
        }
    }

    private static bool IsDown(string? state) =>
        state == KnownResourceStates.Exited || state == KnownResourceStates.Finished || state == KnownResourceStates.FailedToStart;
}
