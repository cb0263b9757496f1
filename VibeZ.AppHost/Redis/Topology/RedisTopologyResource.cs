using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A Redis deployment made of several nodes, each its own child resource: the parent the dashboard groups them under,
/// and what services reference to get their <c>REDIS_*</c> settings. <see cref="RedisServerResource"/>,
/// <see cref="RedisSentinelResource"/> and <see cref="RedisClusterResource"/> are its three kinds.
/// </summary>
public abstract class RedisTopologyResource : Resource
{
    /// <summary>The address services reach every node on: published container ports and local processes both listen there.</summary>
    public const string HostAddress = "127.0.0.1";

    private string _instanceName = "";

    /// <summary>Initializes a new instance of the <see cref="RedisTopologyResource"/> class.</summary>
    /// <param name="name">The resource name; node names start with it.</param>
    /// <param name="kind">The kind of topology; <paramref name="settings"/>' own topology is replaced by it.</param>
    /// <param name="settings">What the topology is made of.</param>
    /// <param name="runtime">
    /// How its nodes run: <see cref="RedisRuntime.Container"/> or <see cref="RedisRuntime.Process"/>; or
    /// <see cref="RedisRuntime.Auto"/>, which <see cref="Resolve"/> replaces when the application starts.
    /// </param>
    /// <param name="credentials">The passwords of the operator's <c>default</c> user, the services' user and the sentinels' user.</param>
    /// <param name="containerRuntime">The container runtime's command (<c>podman</c> or <c>docker</c>) when nodes run as containers.</param>
    /// <param name="debugCommands">Whether data nodes accept <c>DEBUG</c> (<c>enable-debug-command yes</c>) and offer the fault commands that use it.</param>
    private protected RedisTopologyResource(
        string name, RedisTopologyKind kind, RedisTopologySettings settings, RedisRuntime runtime, RedisTopologyCredentials credentials, string? containerRuntime, bool debugCommands)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(credentials);
        Kind = kind;
        Runtime = runtime;
        ContainerRuntime = runtime is RedisRuntime.Container ? containerRuntime ?? "docker" : null;
        Credentials = credentials;
        DebugCommandsEnabled = debugCommands;
        Reshape(settings);
    }

    /// <summary>Gets what the topology is made of; its <see cref="RedisTopologySettings.Topology"/> is always <see cref="Kind"/>.</summary>
    public RedisTopologySettings Settings { get; private set; }

    /// <summary>Gets the kind of topology.</summary>
    public RedisTopologyKind Kind { get; }

    /// <summary>
    /// Gets how the nodes run: <see cref="RedisRuntime.Auto"/> until the application starts when the runtime is
    /// <c>auto</c>, since choosing asks the machine, which building a model never does.
    /// </summary>
    public RedisRuntime Runtime { get; private set; }

    /// <summary>Gets the container runtime's command when the nodes are containers, or <see langword="null"/>.</summary>
    public string? ContainerRuntime { get; private set; }

    /// <summary>Gets the topology's passwords and users.</summary>
    public RedisTopologyCredentials Credentials { get; }

    /// <summary>Gets the password parameter of the operator's <c>default</c> user, which the AppHost itself uses.</summary>
    public ParameterResource PasswordParameter => Credentials.Password;

    /// <summary>
    /// Gets whether data nodes accept <c>DEBUG</c> (<c>enable-debug-command yes</c>), and so offer the Crash, Hang and
    /// Stall replication commands: only when the AppHost runs in Development. Redis refuses <c>DEBUG</c> by default.
    /// </summary>
    public bool DebugCommandsEnabled { get; }

    /// <summary>
    /// Gets whether masters refuse writes while no replica is in sync (<c>min-replicas-to-write 1</c>): in every
    /// topology whose masters have a replica (sentinel, and cluster with replicas), never for the single server.
    /// </summary>
    public bool MastersNeedAReplica => Kind is RedisTopologyKind.Sentinel || (Kind is RedisTopologyKind.Cluster && Settings.ClusterReplicasPerMaster > 0);

    /// <summary>Gets the nodes, in the order they are planned.</summary>
    public IReadOnlyList<RedisNode> Nodes { get; private set; }

    /// <summary>Gets the network the nodes run on when they are containers, or <see langword="null"/> for local processes.</summary>
    public RedisContainerNetwork? ContainerNetwork { get; private set; }

    /// <summary>Gets the TLS material every node, sentinel and client of the topology uses, or <see langword="null"/> without TLS.</summary>
    internal RedisTopologyTls? Tls { get; private set; }

    /// <summary>Gets the keys of the node health checks already registered, so a node planned again keeps its one check.</summary>
    internal HashSet<string> NodeHealthChecks { get; } = [];

    /// <summary>
    /// Takes new settings and plans the nodes from them (<see cref="RedisTopologyPlan"/>, which checks their ports), with
    /// everything named after them: the data folder, the container network and the TLS folder. Only before the nodes
    /// run: the builder's <c>With…</c> methods call it and then add the node resources again, and <see cref="Resolve"/>
    /// when <c>auto</c> is chosen at start.
    /// </summary>
    /// <param name="settings">The new settings.</param>
    [MemberNotNull(nameof(Settings), nameof(Nodes))]
    internal void Reshape(RedisTopologySettings settings)
    {
        var shaped = settings with { Topology = Kind };
        var nodes = RedisTopologyPlan.Nodes(Name, shaped);
        Settings = shaped;
        Nodes = nodes;

        // One name per topology instance, for its data folder and its network, so topologies can run side by side.
        _instanceName = $"{Name}-{Kind.ToString().ToLowerInvariant()}-{Nodes[0].Port}";
        ContainerNetwork = ContainerRuntime is { } containerRuntime ? new RedisContainerNetwork($"vibez-{_instanceName}", containerRuntime) : null;
        Tls = Settings.Tls ? new RedisTopologyTls(Path.Combine(DataDirectory, RedisTopologyTls.FolderName)) : null;
    }

    /// <summary>
    /// Takes the runtime <c>auto</c> chose when the application started, and names the container network after it.
    /// Only once, before the node resources are added.
    /// </summary>
    /// <param name="runtime">Containers or processes.</param>
    /// <param name="containerRuntime">The container runtime's command for containers.</param>
    internal void Resolve(RedisRuntime runtime, string? containerRuntime)
    {
        if (Runtime is not RedisRuntime.Auto || runtime is RedisRuntime.Auto)
        {
            throw new InvalidOperationException($"The runtime of {Name} is resolved once, from auto to containers or processes; it was {Runtime}, and {runtime} was given.");
        }

        Runtime = runtime;
        ContainerRuntime = runtime is RedisRuntime.Container ? containerRuntime ?? "docker" : null;
        Reshape(Settings);
    }

    /// <summary>Gets the folder that holds the nodes' data folders for this topology.</summary>
    public string DataDirectory => Path.Combine(Settings.DataDirectory, _instanceName);

    /// <summary>Gets the node that starts as master of a sentinel or single topology.</summary>
    public RedisNode Master => Nodes.First(n => n.Role is RedisNodeRole.Master);

    /// <summary>
    /// Gets the host a node announces to its peers and to clients: the loopback address for local processes; in
    /// containers its name, which every container of the topology resolves through a host entry, except for cluster
    /// nodes, which announce their fixed address because CLUSTER MEET takes only IPs. Services on the host reach it
    /// through <c>REDIS_NAT_MAP</c>.
    /// </summary>
    /// <param name="node">The node.</param>
    public string AnnouncedHost(RedisNode node) => ContainerNetwork switch
    {
        null => HostAddress,
        _ when node.Role is RedisNodeRole.ClusterNode => ContainerAddress(node).ToString(),
        _ => node.Name,
    };

    /// <summary>Gets the fixed address of a node on the topology's container network.</summary>
    /// <param name="node">The node.</param>
    public IPAddress ContainerAddress(RedisNode node) => Network.AddressOf(IndexOf(node));

    /// <summary>Gets the fixed address of the cluster-create step, after every node's.</summary>
    public IPAddress ClusterCreateAddress => Network.AddressOf(Nodes.Count);

    /// <summary>Gets every node's name and fixed address: the host entries of every container of the topology.</summary>
    public IEnumerable<(string Name, IPAddress Address)> ContainerHosts => Nodes.Select(n => (n.Name, ContainerAddress(n)));

    /// <summary>Gets the data folder of one node.</summary>
    /// <param name="node">The node.</param>
    public string NodeDirectory(RedisNode node) => Path.Combine(DataDirectory, node.Name);

    private RedisContainerNetwork Network => ContainerNetwork
        ?? throw new InvalidOperationException($"The nodes of {Name} run as local processes, which have no container network.");

    private int IndexOf(RedisNode node)
    {
        for (var i = 0; i < Nodes.Count; i++)
        {
            if (Nodes[i] == node)
            {
                return i;
            }
        }

        throw new ArgumentException($"{node.Name} is not a node of {Name}.", nameof(node));
    }
}
