namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Checks settings before anything is built, so a bad value stops the AppHost with a message that names it. Ports are
/// checked where the nodes are planned (<see cref="RedisTopologyPlan"/>), which knows every port a node binds.
/// </summary>
internal static class RedisTopologySettingsValidator
{
    public static void Validate(RedisTopologySettings settings)
    {
        var errors = new List<string>();

        if (settings.Topology is RedisTopologyKind.Sentinel)
        {
            Require(settings.Sentinels >= 1, $"{Key(nameof(settings.Sentinels))} is {settings.Sentinels}; a sentinel topology needs at least one sentinel (three are recommended).");
            Require(settings.Quorum >= 1 && settings.Quorum <= settings.Sentinels,
                $"{Key(nameof(settings.Quorum))} is {settings.Quorum}, but it must be between 1 and the number of sentinels ({Key(nameof(settings.Sentinels))} = {settings.Sentinels}).");
            Require(!string.IsNullOrWhiteSpace(settings.MasterName) && !settings.MasterName.Any(char.IsWhiteSpace),
                $"{Key(nameof(settings.MasterName))} is '{settings.MasterName}'; the sentinels need a master name without spaces.");
            Require(settings.DownAfterMilliseconds > 0, $"{Key(nameof(settings.DownAfterMilliseconds))} is {settings.DownAfterMilliseconds}; it must be positive.");
            Require(settings.FailoverTimeoutMilliseconds > 0, $"{Key(nameof(settings.FailoverTimeoutMilliseconds))} is {settings.FailoverTimeoutMilliseconds}; it must be positive.");
            Require(settings.ParallelSyncs >= 1, $"{Key(nameof(settings.ParallelSyncs))} is {settings.ParallelSyncs}; it must be at least 1.");
        }

        if (settings.Topology is RedisTopologyKind.Cluster)
        {
            Require(settings.ClusterMasters >= RedisTopologyDefaults.MinimumClusterMasters,
                $"{Key(nameof(settings.ClusterMasters))} is {settings.ClusterMasters}; Redis Cluster needs at least {RedisTopologyDefaults.MinimumClusterMasters} masters.");
            Require(settings.ClusterReplicasPerMaster >= 0, $"{Key(nameof(settings.ClusterReplicasPerMaster))} is {settings.ClusterReplicasPerMaster}; it cannot be negative.");
            Require(settings.ClusterNodeTimeoutMilliseconds > 0, $"{Key(nameof(settings.ClusterNodeTimeoutMilliseconds))} is {settings.ClusterNodeTimeoutMilliseconds}; it must be positive.");
        }

        if (settings.Topology is not RedisTopologyKind.Single)
        {
            // Redis reads 0 as "off": a master would then take writes that no replica has.
            Require(settings.MinReplicasMaxLagSeconds >= 1,
                $"{Key(nameof(settings.MinReplicasMaxLagSeconds))} is {settings.MinReplicasMaxLagSeconds}; it must be at least 1 (Redis reads 0 as switching the replica check off).");
        }

        // 0 means "no limit" to Redis, which is what these settings exist to prevent.
        Require(settings.MaxMemoryMegabytes >= 1,
            $"{Key(nameof(settings.MaxMemoryMegabytes))} is {settings.MaxMemoryMegabytes}; it must be at least 1 (Redis reads 0 as no limit).");
        Require(settings.ClientOutputBufferHardLimitMegabytes >= 1,
            $"{Key(nameof(settings.ClientOutputBufferHardLimitMegabytes))} is {settings.ClientOutputBufferHardLimitMegabytes}; it must be at least 1 (Redis reads 0 as no limit).");
        Require(settings.ClientOutputBufferSoftLimitMegabytes >= 1 && settings.ClientOutputBufferSoftLimitMegabytes <= settings.ClientOutputBufferHardLimitMegabytes,
            $"{Key(nameof(settings.ClientOutputBufferSoftLimitMegabytes))} is {settings.ClientOutputBufferSoftLimitMegabytes}; it must be between 1 and {Key(nameof(settings.ClientOutputBufferHardLimitMegabytes))} ({settings.ClientOutputBufferHardLimitMegabytes}).");
        Require(settings.ClientOutputBufferSoftLimitSeconds >= 1,
            $"{Key(nameof(settings.ClientOutputBufferSoftLimitSeconds))} is {settings.ClientOutputBufferSoftLimitSeconds}; it must be at least 1.");

        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The Redis topology is misconfigured: " + string.Join(" ", errors));
        }

        void Require(bool condition, string message)
        {
            if (!condition)
            {
                errors.Add(message);
            }
        }
    }

    private static string Key(string name) => RedisTopologySettings.Key(name);
}
