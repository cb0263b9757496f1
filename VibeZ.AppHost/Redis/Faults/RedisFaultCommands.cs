using VibeZ.Redis;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The dashboard's fault commands: Crash, Hang 15 s and Stall replication 5 s on data nodes (only where DEBUG is on,
/// in Development), and Force failover on a sentinel or cluster topology. Each answers success or a failure that says
/// what went wrong; the integration tests run them through <see cref="ResourceCommandService"/>.
/// </summary>
internal static class RedisFaultCommands
{
    public const string Crash = "redis-crash";
    public const string Hang = "redis-hang";
    public const string StallReplication = "redis-stall-replication";
    public const string ForceFailover = "redis-force-failover";

    public const int HangSeconds = 15;
    public const int StallSeconds = 5;

    /// <summary>Adds the DEBUG commands to a data node: none to a sentinel, none when DEBUG is off.</summary>
    public static IResourceBuilder<T> WithFaultCommands<T>(this IResourceBuilder<T> builder, RedisTopologyResource topology, RedisNode node)
        where T : IResource
    {
        if (!topology.DebugCommandsEnabled || !node.IsDataNode)
        {
            return builder;
        }

        builder.WithCommand(Crash, "Crash", context => RunAsync(context, topology, Crash, ct => RedisNodeFaults.CrashAsync(context, topology, node, ct)), new CommandOptions
        {
            Description = $"DEBUG SEGFAULT: {node.Name} crashes as a real fault would; ▶ Start brings it back with its data.",
            IconName = "Flash",
            UpdateState = WhileRunning,
        });
        builder.WithCommand(Hang, $"Hang {HangSeconds} s", context => RunAsync(context, topology, Hang, ct => RedisNodeFaults.SleepAsync(topology, node, HangSeconds, ct)), new CommandOptions
        {
            Description = $"DEBUG SLEEP {HangSeconds}: {node.Name} keeps its connections open and answers nothing, as a stalled host does.",
            IconName = "Pause",
            UpdateState = WhileRunning,
        });

        // Any data node of a topology with replicas may be a replica now: the command checks the role it has when run.
        if (topology.Kind is not RedisTopologyKind.Single)
        {
            builder.WithCommand(StallReplication, $"Stall replication {StallSeconds} s", context => RunAsync(context, topology, StallReplication, ct => RedisNodeFaults.StallReplicationAsync(topology, node, ct)), new CommandOptions
            {
                Description = $"DEBUG SLEEP {StallSeconds} on this replica: its master gets no acknowledgements and its lag grows past min-replicas-max-lag.",
                IconName = "Timer",
                UpdateState = WhileRunning,
            });
        }

        return builder;
    }

    /// <summary>Adds Force failover to a sentinel or cluster topology; it needs no DEBUG, so it is there in every environment.</summary>
    public static IResourceBuilder<RedisTopologyResource> WithForceFailoverCommand(this IResourceBuilder<RedisTopologyResource> builder)
    {
        var topology = builder.Resource;
        if (topology.Kind is RedisTopologyKind.Single)
        {
            return builder;
        }

        var how = topology.Kind is RedisTopologyKind.Sentinel
            ? $"SENTINEL FAILOVER {topology.Settings.MasterName} on a sentinel"
            : "CLUSTER FAILOVER on a replica in sync, for the first master that has one";
        return builder.WithCommand(ForceFailover, "Force failover", context => RunAsync(context, topology, ForceFailover, ct => RedisForcedFailover.RunAsync(topology, ct)), new CommandOptions
        {
            Description = $"{how}: a replica becomes master while the old master is still up, and the services follow.",
            IconName = "ArrowSwap",
            UpdateState = WhileRunning,
        });
    }

    private static ResourceCommandState WhileRunning(UpdateCommandStateContext context) =>
        context.ResourceSnapshot.State?.Text == KnownResourceStates.Running ? ResourceCommandState.Enabled : ResourceCommandState.Disabled;

    /// <summary>Runs a command, turns a node that cannot be reached into a failure, and logs the outcome to the resource's console.</summary>
    private static async Task<ExecuteCommandResult> RunAsync(
        ExecuteCommandContext context, RedisTopologyResource topology, string command, Func<CancellationToken, Task<ExecuteCommandResult>> run)
    {
        ExecuteCommandResult result;
        try
        {
            result = await run(context.CancellationToken);
        }
        catch (RedisNodeException ex)
        {
            result = CommandResults.Failure(ex.Message);
        }

        // The resource's own log: the dashboard shows it in that resource's console, beside what the node printed.
        RedisTopologyLog.FaultCommandRan(context.Logger, command, context.ResourceName, topology.Name, result.Success, result.Message ?? "");
        return result;
    }
}
