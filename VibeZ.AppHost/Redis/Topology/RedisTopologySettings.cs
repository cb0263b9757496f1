using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// What a topology is made of, read from the <c>VibeZ:Redis</c> configuration section
/// (environment: <c>VibeZ__Redis__…</c>; command line: <c>--VibeZ:Redis:…=…</c>).
/// </summary>
public sealed record RedisTopologySettings
{
    /// <summary>Gets the topology to build (<c>VibeZ:Redis:Topology</c>).</summary>
    /// <value>The default value is <see cref="RedisTopologyKind.Sentinel"/>.</value>
    public RedisTopologyKind Topology { get; init; } = RedisTopologyKind.Sentinel;

    /// <summary>Gets how the nodes run (<c>VibeZ:Redis:Runtime</c>: <c>auto</c>, <c>container</c> or <c>process</c>).</summary>
    /// <value>The default value is <see cref="RedisRuntime.Auto"/>.</value>
    public RedisRuntime Runtime { get; init; } = RedisRuntime.Auto;

    /// <summary>Gets the container image as <c>registry/name:tag</c> (<c>VibeZ:Redis:Image</c>).</summary>
    /// <value>The default value is <c>docker.io/library/redis:7.0.15</c>.</value>
    public RedisImage Image { get; init; } = new(RedisContainerImageTags.Registry, RedisContainerImageTags.Image, RedisContainerImageTags.Tag);

    /// <summary>Gets a number added to every node port, cluster bus ports included, so that topologies can run side by side (<c>VibeZ:Redis:PortOffset</c>).</summary>
    /// <value>The default value is 0.</value>
    public int PortOffset { get; init; }

    /// <summary>Gets the port of the single server or the sentinel topology's master (<c>VibeZ:Redis:MasterPort</c>).</summary>
    /// <value>The default value is 6379.</value>
    public int MasterPort { get; init; } = RedisTopologyDefaults.MasterPort;

    /// <summary>Gets the port of the sentinel topology's replica (<c>VibeZ:Redis:ReplicaPort</c>).</summary>
    /// <value>The default value is 6380.</value>
    public int ReplicaPort { get; init; } = RedisTopologyDefaults.ReplicaPort;

    /// <summary>Gets the port of the first sentinel; the others follow it (<c>VibeZ:Redis:SentinelPort</c>).</summary>
    /// <value>The default value is 26379.</value>
    public int SentinelPort { get; init; } = RedisTopologyDefaults.SentinelPort;

    /// <summary>Gets the port of the first cluster node; the others follow it (<c>VibeZ:Redis:ClusterPort</c>).</summary>
    /// <value>The default value is 7000.</value>
    public int ClusterPort { get; init; } = RedisTopologyDefaults.ClusterPort;

    /// <summary>Gets the number of sentinels (<c>VibeZ:Redis:Sentinels</c>).</summary>
    /// <value>The default value is 3.</value>
    public int Sentinels { get; init; } = RedisTopologyDefaults.Sentinels;

    /// <summary>Gets how many sentinels must agree that the master is down (<c>VibeZ:Redis:Quorum</c>).</summary>
    /// <value>The default value is 2.</value>
    public int Quorum { get; init; } = RedisTopologyDefaults.Quorum;

    /// <summary>Gets the name the sentinels monitor the master under (<c>VibeZ:Redis:MasterName</c>).</summary>
    /// <value>The default value is <c>mymaster</c>.</value>
    public string MasterName { get; init; } = RedisTopologyDefaults.MasterName;

    /// <summary>Gets how long the master must be unreachable before a sentinel thinks it down (<c>VibeZ:Redis:DownAfterMilliseconds</c>).</summary>
    /// <value>The default value is 5000.</value>
    public int DownAfterMilliseconds { get; init; } = RedisTopologyDefaults.DownAfterMilliseconds;

    /// <summary>Gets the sentinels' failover timeout; after a failed election they wait twice this long (<c>VibeZ:Redis:FailoverTimeoutMilliseconds</c>).</summary>
    /// <value>The default value is 10000.</value>
    public int FailoverTimeoutMilliseconds { get; init; } = RedisTopologyDefaults.FailoverTimeoutMilliseconds;

    /// <summary>Gets how many replicas resynchronise with a new master at once (<c>VibeZ:Redis:ParallelSyncs</c>).</summary>
    /// <value>The default value is 1.</value>
    public int ParallelSyncs { get; init; } = RedisTopologyDefaults.ParallelSyncs;

    /// <summary>
    /// Gets how many seconds a replica may go without acknowledging the replication stream before its master stops
    /// counting it as in sync; a master with no replica in sync refuses writes (<c>VibeZ:Redis:MinReplicasMaxLagSeconds</c>,
    /// Redis's <c>min-replicas-max-lag</c>, set with <c>min-replicas-to-write 1</c> on every node that can have a replica).
    /// </summary>
    /// <value>The default value is 5.</value>
    public int MinReplicasMaxLagSeconds { get; init; } = RedisTopologyDefaults.MinReplicasMaxLagSeconds;

    /// <summary>Gets the number of cluster masters (<c>VibeZ:Redis:ClusterMasters</c>).</summary>
    /// <value>The default value is 3.</value>
    public int ClusterMasters { get; init; } = RedisTopologyDefaults.ClusterMasters;

    /// <summary>Gets the number of replicas of each cluster master (<c>VibeZ:Redis:ClusterReplicasPerMaster</c>).</summary>
    /// <value>The default value is 1.</value>
    public int ClusterReplicasPerMaster { get; init; } = RedisTopologyDefaults.ClusterReplicasPerMaster;

    /// <summary>Gets the time after which an unreachable cluster node is failed over (<c>VibeZ:Redis:ClusterNodeTimeoutMilliseconds</c>).</summary>
    /// <value>The default value is 5000.</value>
    public int ClusterNodeTimeoutMilliseconds { get; init; } = RedisTopologyDefaults.ClusterNodeTimeoutMilliseconds;

    /// <summary>
    /// Gets the memory limit of every data node in megabytes (<c>VibeZ:Redis:MaxMemoryMegabytes</c>, Redis's <c>maxmemory</c>,
    /// with <c>maxmemory-policy noeviction</c>): a node at the limit refuses writes with OOM instead of being killed.
    /// </summary>
    /// <value>The default value is 512.</value>
    public int MaxMemoryMegabytes { get; init; } = RedisTopologyDefaults.MaxMemoryMegabytes;

    /// <summary>
    /// Gets the output buffer size in megabytes at which a normal client is disconnected at once
    /// (<c>VibeZ:Redis:ClientOutputBufferHardLimitMegabytes</c>, the hard limit of <c>client-output-buffer-limit normal</c>).
    /// </summary>
    /// <value>The default value is 256.</value>
    public int ClientOutputBufferHardLimitMegabytes { get; init; } = RedisTopologyDefaults.ClientOutputBufferHardLimitMegabytes;

    /// <summary>
    /// Gets the output buffer size in megabytes a normal client may stay above for only
    /// <see cref="ClientOutputBufferSoftLimitSeconds"/> (<c>VibeZ:Redis:ClientOutputBufferSoftLimitMegabytes</c>).
    /// </summary>
    /// <value>The default value is 64.</value>
    public int ClientOutputBufferSoftLimitMegabytes { get; init; } = RedisTopologyDefaults.ClientOutputBufferSoftLimitMegabytes;

    /// <summary>Gets how long a normal client may stay above the soft limit (<c>VibeZ:Redis:ClientOutputBufferSoftLimitSeconds</c>).</summary>
    /// <value>The default value is 60.</value>
    public int ClientOutputBufferSoftLimitSeconds { get; init; } = RedisTopologyDefaults.ClientOutputBufferSoftLimitSeconds;

    /// <summary>Gets the folder under which every node gets a data folder of its own (<c>VibeZ:Redis:DataDirectory</c>).</summary>
    /// <remarks>Its folders are made mode 700 and the config files in them 600: they hold the passwords.</remarks>
    /// <value>The default value is <c>$TMPDIR/vibez-$USER/redis</c>: per user, outside the repository.</value>
    public string DataDirectory { get; init; } = Path.Combine(Path.GetTempPath(), $"vibez-{Environment.UserName}", "redis");

    /// <summary>
    /// Gets whether every node, sentinel and the cluster bus speak TLS only (<c>VibeZ:Redis:Tls</c>): the AppHost generates a
    /// development CA and a node certificate at every start and hands services <c>REDIS_TLS</c> and <c>REDIS_TLS_CA_FILE</c>.
    /// Local processes and containers alike; containers get the files through a read-only mount.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Tls { get; init; }

    /// <summary>Reads and validates the settings; a bad value throws an exception whose message names the setting.</summary>
    /// <param name="configuration">The AppHost's configuration.</param>
    public static RedisTopologySettings Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(RedisTopologyDefaults.Section);
        var defaults = new RedisTopologySettings();

        var settings = new RedisTopologySettings
        {
            Topology = ReadEnum(section, nameof(Topology), defaults.Topology),
            Runtime = ReadEnum(section, nameof(Runtime), defaults.Runtime),
            Image = section[nameof(Image)] is { Length: > 0 } image ? RedisImage.Parse(image, Key(nameof(Image))) : defaults.Image,
            PortOffset = ReadInt(section, nameof(PortOffset), defaults.PortOffset),
            MasterPort = ReadInt(section, nameof(MasterPort), defaults.MasterPort),
            ReplicaPort = ReadInt(section, nameof(ReplicaPort), defaults.ReplicaPort),
            SentinelPort = ReadInt(section, nameof(SentinelPort), defaults.SentinelPort),
            ClusterPort = ReadInt(section, nameof(ClusterPort), defaults.ClusterPort),
            Sentinels = ReadInt(section, nameof(Sentinels), defaults.Sentinels),
            Quorum = ReadInt(section, nameof(Quorum), defaults.Quorum),
            MasterName = section[nameof(MasterName)] ?? defaults.MasterName,
            DownAfterMilliseconds = ReadInt(section, nameof(DownAfterMilliseconds), defaults.DownAfterMilliseconds),
            FailoverTimeoutMilliseconds = ReadInt(section, nameof(FailoverTimeoutMilliseconds), defaults.FailoverTimeoutMilliseconds),
            ParallelSyncs = ReadInt(section, nameof(ParallelSyncs), defaults.ParallelSyncs),
            MinReplicasMaxLagSeconds = ReadInt(section, nameof(MinReplicasMaxLagSeconds), defaults.MinReplicasMaxLagSeconds),
            ClusterMasters = ReadInt(section, nameof(ClusterMasters), defaults.ClusterMasters),
            ClusterReplicasPerMaster = ReadInt(section, nameof(ClusterReplicasPerMaster), defaults.ClusterReplicasPerMaster),
            ClusterNodeTimeoutMilliseconds = ReadInt(section, nameof(ClusterNodeTimeoutMilliseconds), defaults.ClusterNodeTimeoutMilliseconds),
            MaxMemoryMegabytes = ReadInt(section, nameof(MaxMemoryMegabytes), defaults.MaxMemoryMegabytes),
            ClientOutputBufferHardLimitMegabytes = ReadInt(section, nameof(ClientOutputBufferHardLimitMegabytes), defaults.ClientOutputBufferHardLimitMegabytes),
            ClientOutputBufferSoftLimitMegabytes = ReadInt(section, nameof(ClientOutputBufferSoftLimitMegabytes), defaults.ClientOutputBufferSoftLimitMegabytes),
            ClientOutputBufferSoftLimitSeconds = ReadInt(section, nameof(ClientOutputBufferSoftLimitSeconds), defaults.ClientOutputBufferSoftLimitSeconds),
            Tls = ReadBool(section, nameof(Tls), defaults.Tls),
            DataDirectory = section[nameof(DataDirectory)] is { Length: > 0 } directory ? Path.GetFullPath(directory) : defaults.DataDirectory,
        };

        RedisTopologySettingsValidator.Validate(settings);
        return settings;
    }

    internal static string Key(string name) => $"{RedisTopologyDefaults.Section}:{name}";

    private static TEnum ReadEnum<TEnum>(IConfigurationSection section, string name, TEnum fallback) where TEnum : struct, Enum
    {
        var value = section[name];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        // Enum.TryParse also takes numbers and comma lists; only the documented names are meant.
        if (!Enum.TryParse<TEnum>(value, ignoreCase: true, out var parsed) || !Enum.GetNames<TEnum>().Contains(value, StringComparer.OrdinalIgnoreCase))
        {
            var allowed = string.Join(", ", Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant()));
            throw new InvalidOperationException($"{Key(name)} is '{value}', which is not one of: {allowed}.");
        }

        return parsed;
    }

    private static bool ReadBool(IConfigurationSection section, string name, bool fallback)
    {
        var value = section[name];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return bool.TryParse(value.Trim(), out var parsed)
            ? parsed
            : throw new InvalidOperationException($"{Key(name)} is '{value}', which is not 'true' or 'false'.");
    }

    private static int ReadInt(IConfigurationSection section, string name, int fallback)
    {
        var value = section[name];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw new InvalidOperationException($"{Key(name)} is '{value}', which is not a whole number.");
    }
}
