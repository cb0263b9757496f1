using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Adds a topology's planned nodes to the application as child resources, containers or local processes, each with a
/// health check for its role, and a cluster's cluster-create step. A topology whose shape changes (<c>WithSentinels</c>,
/// <c>WithMasters</c> …) is planned again and its children are added anew.
/// </summary>
internal static class RedisTopologyNodes
{
    /// <summary>
    /// Removes the children of an earlier plan, if any, and adds one for every node of the current plan; while the
    /// runtime is still <c>auto</c>, only registers their health checks, and the start-up event adds the nodes.
    /// </summary>
    public static void Add(IDistributedApplicationBuilder builder, RedisTopologyResource topology)
    {
        foreach (var child in builder.Resources.Where(r => IsChildOf(r, topology)).ToList())
        {
            builder.Resources.Remove(child);
        }

        // A node's resource type waits for the runtime, but its health check cannot: the application's services are
        // built, and closed to new registrations, before any start-up event.
        if (topology.Runtime is RedisRuntime.Auto)
        {
            foreach (var node in topology.Nodes)
            {
                NodeHealthCheck(builder, topology, node.Name);
            }

            return;
        }

        var nodes = topology.Nodes.Select(node => AddNode(builder, topology, node)).ToList();
        if (topology.Kind is RedisTopologyKind.Cluster)
        {
            AddClusterCreate(builder, topology, nodes);
        }
    }

    /// <summary>Registers a health check under <paramref name="key"/> and returns the key, for <c>WithHealthCheck</c>.</summary>
    public static string AddHealthCheck(IDistributedApplicationBuilder builder, string key, Func<IHealthCheck> create)
    {
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(key, _ => create(), failureStatus: null, tags: null));
        return key;
    }

    private static bool IsChildOf(IResource resource, RedisTopologyResource topology) =>
        resource.Annotations.OfType<ResourceRelationshipAnnotation>().Any(r => r.Type == "Parent" && r.Resource == topology);

    private static IRedisNodeResource AddNode(IDistributedApplicationBuilder builder, RedisTopologyResource topology, RedisNode node)
    {
        var configFile = RedisNodeConfigFile.FileName(node);
        string[] sentinelArgs = node.Role is RedisNodeRole.Sentinel ? ["--sentinel"] : [];
        var healthCheck = NodeHealthCheck(builder, topology, node.Name);

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

    /// <summary>
    /// Registers a node's check once per name, however often the topology is planned (a second registration under one
    /// name would stop the health check service). The check finds its node by name when it runs, in the final plan.
    /// </summary>
    private static string NodeHealthCheck(IDistributedApplicationBuilder builder, RedisTopologyResource topology, string nodeName)
    {
        var key = $"{nodeName}_check";
        return topology.NodeHealthChecks.Add(key)
            ? AddHealthCheck(builder, key, () => new RedisNodeHealthCheck(topology, topology.Nodes.Single(n => n.Name == nodeName)))
            : key;
    }

    private static void AddClusterCreate(IDistributedApplicationBuilder builder, RedisTopologyResource topology, List<IRedisNodeResource> nodes)
    {
        var name = $"{topology.Name}-cluster-create";
        if (topology.Runtime is RedisRuntime.Container)
        {
            var image = topology.Settings.Image;
            Configure(WithTlsMount(builder.AddContainer(name, image.Name, image.Tag).WithImageRegistry(image.Registry).WithEntrypoint(RedisNodeCommand.Shell)
                .WithContainerRuntimeArgs(context => OnTopologyNetwork(context, topology, topology.ClusterCreateAddress)), topology));
        }
        else
        {
            Configure(builder.AddExecutable(name, RedisNodeCommand.Shell, topology.DataDirectory));
        }

        void Configure<T>(IResourceBuilder<T> create) where T : IResourceWithArgs, IResourceWithEnvironment, IResourceWithWaitSupport
        {
            // Rendered when the step starts: in containers the nodes' addresses are known once the network exists.
            create.WithArgs(context =>
                {
                    context.Args.Add("-c");
                    context.Args.Add(RedisClusterCreateScript.Render(topology));
                })
                .WithEnvironment("REDISCLI_AUTH", builder.CreateResourceBuilder(topology.PasswordParameter))
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
    private static void OnTopologyNetwork(ContainerRuntimeArgsCallbackContext context, RedisTopologyResource topology, IPAddress address)
    {
        foreach (var argument in topology.ContainerNetwork!.RunArguments(address, topology.ContainerHosts))
        {
            context.Args.Add(argument);
        }
    }
}
