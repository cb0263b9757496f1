using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VibeZ.Redis;

namespace Aspire.Hosting;

/// <summary>Adds Redis topologies (single server, sentinel, cluster) to an Aspire application and hands services their settings.</summary>
public static class RedisTopologyBuilderExtensions
{
    /// <summary>
    /// Adds the Redis topology that the <c>VibeZ:Redis</c> configuration section describes: every node is a child resource
    /// with a health check for its role, and the topology is healthy when it serves clients. Sentinel and cluster
    /// topologies get a Force failover command; in Development, data nodes accept <c>DEBUG</c> and get Crash, Hang
    /// and Stall replication commands.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The topology's resource name; node names start with it.</param>
    /// <param name="password">
    /// The password of the operator's <c>default</c> user on every node; a generated secret parameter <c>{name}-password</c>
    /// when omitted. Services get a user of their own (<c>{name}-service-password</c>), sentinels too (<c>{name}-sentinel-password</c>).
    /// </param>
    /// <returns>The topology's resource builder.</returns>
    public static IResourceBuilder<RedisTopologyResource> AddRedisTopology(
        this IDistributedApplicationBuilder builder,
        [ResourceName] string name,
        IResourceBuilder<ParameterResource>? password = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        var settings = RedisTopologySettings.Read(builder.Configuration);
        var choice = builder.ExecutionContext.IsPublishMode
            ? new RedisRuntimeChoice(RedisRuntime.Container, null, "the application is being published")
            : RedisRuntimeSelector.Choose(settings, builder.Configuration, ProgramRun.Start);

        // Aspire would otherwise ask Docker even where only Podman answers.
        if (choice.ContainerRuntime is { } containerRuntime && string.IsNullOrEmpty(builder.Configuration[RedisRuntimeSelector.ContainerRuntimeKey]))
        {
            builder.Configuration[RedisRuntimeSelector.ContainerRuntimeKey] = containerRuntime;
        }

        password ??= GeneratedPassword(builder, $"{name}-password");
        var credentials = new RedisTopologyCredentials(password.Resource,
            GeneratedPassword(builder, $"{name}-service-password").Resource, GeneratedPassword(builder, $"{name}-sentinel-password").Resource);

        // DEBUG crashes and freezes nodes: a development aid (launch profiles and the testing builder run in Development).
        var topology = new RedisTopologyResource(name, settings, choice.Runtime, credentials, choice.ContainerRuntime,
            debugCommands: builder.Environment.IsDevelopment());

        var topologyBuilder = builder.AddResource(topology)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "RedisTopology",
                State = KnownResourceStates.NotStarted,
                Properties =
                [
                    new("redis.topology", settings.Topology.ToString().ToLowerInvariant()),
                    new("redis.runtime", choice.Runtime.ToString().ToLowerInvariant()),
                    new("redis.image", choice.Runtime is RedisRuntime.Container ? settings.Image.ToString() : RedisTopologyDefaults.ServerCommand),
                ],
            })
            .WithIconName("DatabaseStack")
            .WithHealthCheck(AddHealthCheck(builder, $"{name}_topology_check", () => new RedisTopologyHealthCheck(topology)))
            .WithForceFailoverCommand()
            .ExcludeFromManifest();

        var nodes = topology.Nodes.Select(node => AddNode(builder, topology, node, password)).ToList();
        if (settings.Topology is RedisTopologyKind.Cluster)
        {
            AddClusterCreate(builder, topology, password, nodes);
        }

        builder.Eventing.Subscribe<BeforeStartEvent>(async (e, ct) =>
        {
            var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RedisTopologyBuilderExtensions));
            RedisTopologyLog.RuntimeChosen(logger, name, settings.Topology, choice.Runtime, choice.ContainerRuntime ?? "-",
                choice.Runtime is RedisRuntime.Container ? settings.Image.ToString() : RedisTopologyDefaults.ServerCommand, choice.Reason);
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
        topologyBuilder.OnInitializeResource(async (resource, e, ct) =>
            await e.Notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.Running, StartTimeStamp = DateTime.UtcNow }));

        return topologyBuilder;
    }

    /// <summary>
    /// Injects the document's <c>REDIS_*</c> settings for <paramref name="topology"/> into <paramref name="builder"/>:
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

    private static IRedisNodeResource AddNode(
        IDistributedApplicationBuilder builder, RedisTopologyResource topology, RedisNode node, IResourceBuilder<ParameterResource> password)
    {
        var configFile = RedisNodeConfigFile.FileName(node);
        string[] sentinelArgs = node.Role is RedisNodeRole.Sentinel ? ["--sentinel"] : [];
        var healthCheck = AddHealthCheck(builder, $"{node.Name}_check", () => new RedisNodeHealthCheck(topology, node));

        if (topology.Runtime is RedisRuntime.Container)
        {
            var image = topology.Settings.Image;
            var container = builder.AddResource(new RedisContainerNodeResource(node, topology))
                .WithImage(image.Name, image.Tag)
                .WithImageRegistry(image.Registry)
                // The official image's entrypoint would switch users and rewrite arguments; run the server directly.
                .WithEntrypoint(RedisNodeCommand.Shell)
                .WithArgs(RedisNodeCommand.Arguments($"{RedisNodeConfigFile.ContainerDataDirectory}/{configFile}", sentinelArgs))
                .WithBindMount(topology.NodeDirectory(node), RedisNodeConfigFile.ContainerDataDirectory)
                // Not proxied: the port a node listens on is the port it announces and the port published on 127.0.0.1.
                .WithEndpoint(port: node.Port, targetPort: node.Port, name: "tcp", scheme: "tcp", isProxied: false)
                .WithContainerRuntimeArgs(context => OnTopologyNetwork(context, topology, topology.ContainerAddress(node)))
                .WithHealthCheck(healthCheck)
                .WithFaultCommands(topology, node)
                .WithIconName(node.Role is RedisNodeRole.Sentinel ? "Eye" : "Database")
                .WithParentRelationship(topology);
            WithTlsMount(container, topology);
            if (node.BusPort is { } containerBusPort)
            {
                container.WithEndpoint(port: containerBusPort, targetPort: containerBusPort, name: "bus", scheme: "tcp", isProxied: false);
            }

            return container.ExcludeFromManifest().Resource;
        }

        var process = builder.AddResource(new RedisProcessNodeResource(node, topology))
            .WithArgs(RedisNodeCommand.Arguments(Path.Combine(topology.NodeDirectory(node), configFile), sentinelArgs))
            .WithEndpoint(port: node.Port, targetPort: node.Port, name: "tcp", scheme: "tcp", isProxied: false)
            .WithHealthCheck(healthCheck)
            .WithFaultCommands(topology, node)
            .WithIconName(node.Role is RedisNodeRole.Sentinel ? "Eye" : "Database")
            .WithParentRelationship(topology);
        return process.ExcludeFromManifest().Resource;
    }

    private static void AddClusterCreate(
        IDistributedApplicationBuilder builder, RedisTopologyResource topology, IResourceBuilder<ParameterResource> password, List<IRedisNodeResource> nodes)
    {
        var name = $"{topology.Name}-cluster-create";
        if (topology.Runtime is RedisRuntime.Container)
        {
            var image = topology.Settings.Image;
            Configure(WithTlsMount(builder.AddContainer(name, image.Name, image.Tag).WithImageRegistry(image.Registry).WithEntrypoint("/bin/sh")
                .WithContainerRuntimeArgs(context => OnTopologyNetwork(context, topology, topology.ClusterCreateAddress)), topology));
        }
        else
        {
            Configure(builder.AddExecutable(name, "/bin/sh", topology.DataDirectory));
        }

        void Configure<T>(IResourceBuilder<T> create) where T : IResourceWithArgs, IResourceWithEnvironment, IResourceWithWaitSupport
        {
            // Rendered when the step starts: in containers the nodes' addresses are known once the network exists.
            create.WithArgs(context =>
                {
                    context.Args.Add("-c");
                    context.Args.Add(RedisClusterCreateScript.Render(topology));
                })
                .WithEnvironment("REDISCLI_AUTH", password)
                .WithParentRelationship(topology)
                .WithIconName("BranchFork")
                .ExcludeFromManifest();
            foreach (var node in nodes)
            {
                create.WaitForStart(builder.CreateResourceBuilder<IResource>(node));
            }
        }
    }

    /// <summary>
    /// Mounts the topology's TLS folder read-only at <see cref="RedisTopologyTls.ContainerDirectory"/> when it speaks TLS.
    /// The files stay 600 and the folder 700, as for processes: the image runs <c>redis-server</c> as root (no USER),
    /// the owner of the files, exactly as it reads the 600 config file in its <c>/data</c> mount.
    /// </summary>
    private static IResourceBuilder<T> WithTlsMount<T>(IResourceBuilder<T> container, RedisTopologyResource topology) where T : ContainerResource =>
        topology.Tls is { } tls ? container.WithBindMount(tls.Directory, RedisTopologyTls.ContainerDirectory, isReadOnly: true) : container;

    /// <summary>Puts a container on the topology's network at its fixed address, with every node's name as a host entry.</summary>
    private static void OnTopologyNetwork(ContainerRuntimeArgsCallbackContext context, RedisTopologyResource topology, System.Net.IPAddress address)
    {
        foreach (var argument in topology.ContainerNetwork!.RunArguments(address, topology.ContainerHosts))
        {
            context.Args.Add(argument);
        }
    }

    private static IResourceBuilder<ParameterResource> GeneratedPassword(IDistributedApplicationBuilder builder, string name) =>
        builder.AddParameter(name, new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true);

    private static string AddHealthCheck(IDistributedApplicationBuilder builder, string key, Func<IHealthCheck> create)
    {
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(key, _ => create(), failureStatus: null, tags: null));
        return key;
    }
}
