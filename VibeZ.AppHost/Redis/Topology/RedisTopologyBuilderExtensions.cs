using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VibeZ.Redis;

namespace Aspire.Hosting;

/// <summary>
/// Adds Redis topologies to an Aspire application (<see cref="AddRedisServer"/>, <see cref="AddRedisSentinel"/>,
/// <see cref="AddRedisCluster"/>) and hands services their settings (<see cref="WithReference{T}"/>).
/// </summary>
/// <remarks>
/// Every node is a child resource with a health check for its role, and the topology is healthy when it serves
/// clients. Sentinel and cluster topologies get a Force failover command; in Development, data nodes accept
/// <c>DEBUG</c> and get Crash, Hang and Stall replication commands.
/// </remarks>
public static partial class RedisTopologyBuilderExtensions
{
    private const string RuntimeProperty = "redis.runtime";
    private const string ImageProperty = "redis.image";

    /// <summary>Adds a single Redis server, <c>{name}-server</c>.</summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The topology's resource name; the node's name starts with it.</param>
    /// <param name="settings">Ports, image, runtime, limits and TLS; the documented defaults when omitted.</param>
    /// <param name="password">
    /// The password of the operator's <c>default</c> user; a generated secret parameter <c>{name}-password</c> when
    /// omitted. Services get a user of their own (<c>{name}-service-password</c>).
    /// </param>
    /// <returns>The topology's resource builder.</returns>
    public static IResourceBuilder<RedisServerResource> AddRedisServer(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, RedisTopologySettings? settings = null, IResourceBuilder<ParameterResource>? password = null) =>
        AddTopology(builder, name, settings, password, static (name, settings, choice, credentials, debug) =>
            new RedisServerResource(name, settings, choice.Runtime, credentials, choice.ContainerRuntime, debug));

    /// <summary>
    /// Adds a master, a replica (<c>{name}-master</c>, <c>{name}-replica</c>) and sentinels (<c>{name}-sentinel-1</c> …)
    /// watching the master; <see cref="WithSentinels"/> and <see cref="WithQuorum"/> change how many and how many must agree.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The topology's resource name; node names start with it.</param>
    /// <param name="settings">Ports, image, runtime, limits, TLS and the sentinels' timings; the documented defaults when omitted.</param>
    /// <param name="password">
    /// The password of the operator's <c>default</c> user on every node; a generated secret parameter <c>{name}-password</c>
    /// when omitted. Services get a user of their own (<c>{name}-service-password</c>), sentinels too (<c>{name}-sentinel-password</c>).
    /// </param>
    /// <returns>The topology's resource builder.</returns>
    public static IResourceBuilder<RedisSentinelResource> AddRedisSentinel(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, RedisTopologySettings? settings = null, IResourceBuilder<ParameterResource>? password = null)
    {
        if (settings is not null)
        {
            CheckSentinels(settings.Sentinels, settings.Quorum, nameof(settings));
            CheckQuorum(settings.Quorum, settings.Sentinels, nameof(settings));
        }

        return AddTopology(builder, name, settings, password, static (name, settings, choice, credentials, debug) =>
            new RedisSentinelResource(name, settings, choice.Runtime, credentials, choice.ContainerRuntime, debug));
    }

    /// <summary>
    /// Adds a Redis Cluster: nodes <c>{name}-node-0</c> … and the <c>{name}-cluster-create</c> step that joins them;
    /// <see cref="WithMasters"/> and <see cref="WithReplicasPerMaster"/> change its size.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The topology's resource name; node names start with it.</param>
    /// <param name="settings">Ports, image, runtime, limits, TLS and the node timeout; the documented defaults when omitted.</param>
    /// <param name="password">
    /// The password of the operator's <c>default</c> user on every node; a generated secret parameter <c>{name}-password</c>
    /// when omitted. Services get a user of their own (<c>{name}-service-password</c>).
    /// </param>
    /// <returns>The topology's resource builder.</returns>
    public static IResourceBuilder<RedisClusterResource> AddRedisCluster(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, RedisTopologySettings? settings = null, IResourceBuilder<ParameterResource>? password = null)
    {
        if (settings is not null)
        {
            CheckMasters(settings.ClusterMasters, nameof(settings));
            CheckReplicasPerMaster(settings.ClusterReplicasPerMaster, nameof(settings));
        }

        return AddTopology(builder, name, settings, password, static (name, settings, choice, credentials, debug) =>
            new RedisClusterResource(name, settings, choice.Runtime, credentials, choice.ContainerRuntime, debug));
    }

    /// <summary>
    /// Injects the <c>REDIS_*</c> settings (docs/configuration.md, Services) for <paramref name="topology"/> into <paramref name="builder"/>:
    /// <c>REDIS_MODE</c>, <c>REDIS_URL</c>, <c>REDIS_SENTINELS</c> and <c>REDIS_SENTINEL_NAME</c>, or <c>REDIS_CLUSTER_NODES</c>,
    /// <c>REDIS_USERNAME</c> and <c>REDIS_PASSWORD</c> of the least-privilege service user (never the operator's default
    /// user), <c>REDIS_NAT_MAP</c> where nodes announce addresses the host cannot dial, and <c>REDIS_TLS</c> and
    /// <c>REDIS_TLS_CA_FILE</c> when the topology speaks TLS (<c>VibeZ:Redis:Tls</c>).
    /// </summary>
    /// <typeparam name="T">The kind of resource.</typeparam>
    /// <param name="builder">The service that uses Redis.</param>
    /// <param name="topology">The topology.</param>
    /// <returns>The service's resource builder.</returns>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<RedisTopologyResource> topology)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(topology);

        var resource = topology.Resource;
        return builder
            .WithRelationship(resource, "Reference")
            .WithEnvironment(context =>
            {
                foreach (var (key, value) in RedisServiceSettings.For(resource))
                {
                    context.EnvironmentVariables[key] = value;
                }

                context.EnvironmentVariables[RedisContract.Username] = RedisTopologyCredentials.ServiceUser;
                context.EnvironmentVariables[RedisContract.Password] = resource.Credentials.ServicePassword;
                if (RedisServiceSettings.NatMap(resource) is { Length: > 0 } natMap)
                {
                    context.EnvironmentVariables[RedisContract.NatMap] = natMap;
                }

                if (resource.Tls is { } tls)
                {
                    context.EnvironmentVariables[RedisContract.Tls] = "true";
                    context.EnvironmentVariables[RedisContract.TlsCaFile] = tls.CaCertificateFile;
                }
            });
    }

    private static IResourceBuilder<T> AddTopology<T>(
        IDistributedApplicationBuilder builder,
        string name,
        RedisTopologySettings? settings,
        IResourceBuilder<ParameterResource>? password,
        Func<string, RedisTopologySettings, RedisRuntimeChoice, RedisTopologyCredentials, bool, T> create)
        where T : RedisTopologyResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        settings ??= new RedisTopologySettings();

        // Auto stays auto until the application starts: choosing asks the machine.
        var probe = RuntimeProbe(builder);
        var choice = builder.ExecutionContext.IsPublishMode
            ? new RedisRuntimeChoice(RedisRuntime.Container, null, "the application is being published")
            : RedisRuntimeSelector.Choose(settings, builder.Configuration, probe);

        // Aspire would otherwise ask Docker even where only Podman answers. Aspire reads the setting before any start-up
        // event (DcpOptions), so auto cannot write it: without it, DCP picks the runtime the way auto does, a running
        // one, Docker first.
        if (choice is { Runtime: RedisRuntime.Container, ContainerRuntime: { } containerRuntime } && string.IsNullOrEmpty(builder.Configuration[RedisRuntimeSelector.ContainerRuntimeKey]))
        {
            builder.Configuration[RedisRuntimeSelector.ContainerRuntimeKey] = containerRuntime;
        }

        password ??= GeneratedPassword(builder, $"{name}-password");
        var credentials = new RedisTopologyCredentials(password.Resource,
            GeneratedPassword(builder, $"{name}-service-password").Resource, GeneratedPassword(builder, $"{name}-sentinel-password").Resource);

        // DEBUG crashes and freezes nodes: a development aid (launch profiles and the testing builder run in Development).
        var topology = create(name, settings, choice, credentials, builder.Environment.IsDevelopment());

        var topologyBuilder = builder.AddResource(topology)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "RedisTopology",
                State = KnownResourceStates.NotStarted,
                Properties = [new("redis.topology", topology.Kind.ToString().ToLowerInvariant()), .. RuntimeProperties(topology)],
            })
            .WithIconName("DatabaseStack")
            .WithHealthCheck(RedisTopologyNodes.AddHealthCheck(builder, $"{name}_topology_check", () => new RedisTopologyHealthCheck(topology)))
            .ExcludeFromManifest();
        topologyBuilder.WithForceFailoverCommand();
        RedisTopologyNodes.Add(builder, topology);

        builder.Eventing.Subscribe<BeforeStartEvent>(async (e, ct) =>
        {
            var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RedisTopologyBuilderExtensions));

            // Neither auto nor an explicit runtime was asked about while the model was built: building a model starts no program.
            var started = RedisRuntimeSelector.Check(choice, topology.Settings, e.Services.GetRequiredService<IRedisRuntimeProbe>());
            if (topology.Runtime is RedisRuntime.Auto)
            {
                // Aspire adds resources in this event too (the dashboard); the nodes are in the model before it runs anything.
                topology.Resolve(started.Runtime, started.ContainerRuntime);
                RedisTopologyNodes.Add(builder, topology);
            }

            RedisTopologyLog.RuntimeChosen(logger, name, topology.Kind, started.Runtime, started.ContainerRuntime ?? "-", Image(topology), started.Reason);
            if (topology.ContainerNetwork is { } network)
            {
                // Before the config files: cluster nodes announce their fixed address, which the network's subnet decides.
                network.EnsureCreated(ProgramRun.Start, $"vibez.topology={name}");
                RedisTopologyLog.NetworkReady(logger, name, network.Name, network.Subnet.ToString(),
                    string.Join(", ", topology.ContainerHosts.Select(h => $"{h.Name}={h.Address}")));
            }

            await RedisDataDirectory.PrepareAsync(topology, ct);
            RedisTopologyLog.DataPrepared(logger, name, topology.DataDirectory);
        });

        // The topology is a group, not a process: it runs while its nodes run, and its health check says when it serves.
        // Its runtime properties are read again: auto was resolved when the application started.
        topologyBuilder.OnInitializeResource(async (resource, e, ct) =>
            await e.Notifications.PublishUpdateAsync(resource, s => s with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
                Properties = [.. s.Properties.Where(p => p.Name is not (RuntimeProperty or ImageProperty)), .. RuntimeProperties(resource)],
            }));

        return topologyBuilder;
    }

    /// <summary>The topology's runtime and what its nodes run, the image or redis-server, for the dashboard.</summary>
    private static ResourcePropertySnapshot[] RuntimeProperties(RedisTopologyResource topology) =>
    [
        new(RuntimeProperty, topology.Runtime.ToString().ToLowerInvariant()),
        new(ImageProperty, Image(topology)),
    ];

    private static string Image(RedisTopologyResource topology) => topology.Runtime switch
    {
        RedisRuntime.Container => topology.Settings.Image.ToString(),
        RedisRuntime.Process => RedisTopologyDefaults.ServerCommand,
        _ => "chosen when the application starts",
    };

    /// <summary>
    /// Registers <see cref="RedisRuntimeProbe"/> unless the application registered a probe of its own, and returns the
    /// probe to ask while the model is built: the last one registered as an instance, else a <see cref="RedisRuntimeProbe"/>.
    /// </summary>
    private static IRedisRuntimeProbe RuntimeProbe(IDistributedApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<IRedisRuntimeProbe, RedisRuntimeProbe>();
        return builder.Services.LastOrDefault(d => d.ServiceType == typeof(IRedisRuntimeProbe))?.ImplementationInstance as IRedisRuntimeProbe
            ?? new RedisRuntimeProbe();
    }

    private static IResourceBuilder<ParameterResource> GeneratedPassword(IDistributedApplicationBuilder builder, string name) =>
        builder.AddParameter(name, new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true);
}
