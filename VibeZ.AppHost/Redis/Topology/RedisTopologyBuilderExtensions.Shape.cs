namespace Aspire.Hosting;

/// <summary>The shape of a sentinel or cluster topology: how many nodes of each kind it has.</summary>
public static partial class RedisTopologyBuilderExtensions
{
    /// <summary>Sets how many sentinels watch the master: <c>{name}-sentinel-1</c> … on consecutive ports.</summary>
    /// <param name="builder">The sentinel topology.</param>
    /// <param name="sentinels">The number of sentinels: at least 1 and at least the quorum; 3 by default.</param>
    /// <returns>The topology's resource builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than one sentinel, or fewer sentinels than the quorum.</exception>
    public static IResourceBuilder<RedisSentinelResource> WithSentinels(this IResourceBuilder<RedisSentinelResource> builder, int sentinels)
    {
        ArgumentNullException.ThrowIfNull(builder);
        CheckSentinels(sentinels, builder.Resource.Quorum, nameof(sentinels));
        return Reshape(builder, builder.Resource.Settings with { Sentinels = sentinels });
    }

    /// <summary>Sets how many sentinels must agree that the master is down before they fail over.</summary>
    /// <param name="builder">The sentinel topology.</param>
    /// <param name="quorum">The quorum: between 1 and the number of sentinels; 2 by default.</param>
    /// <returns>The topology's resource builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The quorum is below 1 or above the number of sentinels.</exception>
    public static IResourceBuilder<RedisSentinelResource> WithQuorum(this IResourceBuilder<RedisSentinelResource> builder, int quorum)
    {
        ArgumentNullException.ThrowIfNull(builder);
        CheckQuorum(quorum, builder.Resource.Sentinels, nameof(quorum));
        return Reshape(builder, builder.Resource.Settings with { Quorum = quorum });
    }

    /// <summary>Sets how many masters the cluster's hash slots are spread over.</summary>
    /// <param name="builder">The cluster topology.</param>
    /// <param name="masters">The number of masters: at least 3, which Redis Cluster needs; 3 by default.</param>
    /// <returns>The topology's resource builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than three masters.</exception>
    public static IResourceBuilder<RedisClusterResource> WithMasters(this IResourceBuilder<RedisClusterResource> builder, int masters)
    {
        ArgumentNullException.ThrowIfNull(builder);
        CheckMasters(masters, nameof(masters));
        return Reshape(builder, builder.Resource.Settings with { ClusterMasters = masters });
    }

    /// <summary>Sets how many replicas each cluster master has; masters with a replica refuse writes none has in sync.</summary>
    /// <param name="builder">The cluster topology.</param>
    /// <param name="replicasPerMaster">The number of replicas of each master: 0 or more; 1 by default.</param>
    /// <returns>The topology's resource builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A negative number.</exception>
    public static IResourceBuilder<RedisClusterResource> WithReplicasPerMaster(this IResourceBuilder<RedisClusterResource> builder, int replicasPerMaster)
    {
        ArgumentNullException.ThrowIfNull(builder);
        CheckReplicasPerMaster(replicasPerMaster, nameof(replicasPerMaster));
        return Reshape(builder, builder.Resource.Settings with { ClusterReplicasPerMaster = replicasPerMaster });
    }

    private static void CheckSentinels(int sentinels, int quorum, string parameter)
    {
        if (sentinels < 1)
        {
            throw new ArgumentOutOfRangeException(parameter, sentinels, $"A sentinel topology needs at least one sentinel (three are recommended); it was {sentinels}.");
        }

        if (quorum > sentinels)
        {
            throw new ArgumentOutOfRangeException(parameter, sentinels,
                $"{sentinels} sentinels can never reach the quorum of {quorum}; lower the quorum first (WithQuorum).");
        }
    }

    private static void CheckQuorum(int quorum, int sentinels, string parameter)
    {
        if (quorum < 1 || quorum > sentinels)
        {
            throw new ArgumentOutOfRangeException(parameter, quorum, $"The quorum must be between 1 and the number of sentinels ({sentinels}); it was {quorum}.");
        }
    }

    private static void CheckMasters(int masters, string parameter)
    {
        if (masters < RedisTopologyDefaults.MinimumClusterMasters)
        {
            throw new ArgumentOutOfRangeException(parameter, masters,
                $"Redis Cluster needs at least {RedisTopologyDefaults.MinimumClusterMasters} masters; it was {masters}.");
        }
    }

    private static void CheckReplicasPerMaster(int replicasPerMaster, string parameter)
    {
        if (replicasPerMaster < 0)
        {
            throw new ArgumentOutOfRangeException(parameter, replicasPerMaster, $"The number of replicas per master cannot be negative; it was {replicasPerMaster}.");
        }
    }

    /// <summary>
    /// Plans the topology again from new settings and adds its node resources anew; nothing changes when the settings
    /// are the ones it has (as when the launch profile's values are applied to a topology built from them).
    /// </summary>
    private static IResourceBuilder<T> Reshape<T>(IResourceBuilder<T> builder, RedisTopologySettings settings)
        where T : RedisTopologyResource
    {
        if (settings != builder.Resource.Settings)
        {
            builder.Resource.Reshape(settings);
            RedisTopologyNodes.Add(builder.ApplicationBuilder, builder.Resource);
        }

        return builder;
    }
}
