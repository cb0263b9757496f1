using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.ApplicationModel;

internal static partial class RedisTopologyLog
{
    [LoggerMessage(1, LogLevel.Information, "Redis topology {Topology} ({Kind}) runs as {Runtime} (container runtime {ContainerRuntime}, image {Image}): {Reason}.", EventName = "RedisRuntimeChosen")]
    public static partial void RuntimeChosen(ILogger logger, string topology, RedisTopologyKind kind, RedisRuntime runtime, string containerRuntime, string image, string reason);

    [LoggerMessage(2, LogLevel.Information, "Redis topology {Topology} starts from clean data in {Directory}.", EventName = "RedisDataPrepared")]
    public static partial void DataPrepared(ILogger logger, string topology, string directory);

    [LoggerMessage(3, LogLevel.Information, "Redis topology {Topology} runs on the container network {Network} ({Subnet}), at fixed addresses every node knows by name: {Hosts}.", EventName = "RedisNetworkReady")]
    public static partial void NetworkReady(ILogger logger, string topology, string network, string subnet, string hosts);

    [LoggerMessage(4, LogLevel.Information, "Fault command {Command} on {Resource} of Redis topology {Topology}: success {Succeeded}, {Outcome}", EventName = "RedisFaultCommandRan")]
    public static partial void FaultCommandRan(ILogger logger, string command, string resource, string topology, bool succeeded, string outcome);
}
