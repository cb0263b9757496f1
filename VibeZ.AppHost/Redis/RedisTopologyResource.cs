namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A Redis deployment made of several nodes, each its own child resource: the parent the dashboard groups them under,
/// and what services reference to get their <c>REDIS_*</c> settings.
/// </summary>
/// <param name="name">The resource name; node names start with it.</param>
/// <param name="settings">What the topology is made of.</param>
/// <param name="runtime">How its nodes run: <see cref="RedisRuntime.Container"/> or <see cref="RedisRuntime.Process"/>, never auto.</param>
/// <param name="password">The password every node and sentinel requires.</param>
public sealed class RedisTopologyResource(string name, RedisTopologySettings settings, RedisRuntime runtime, ParameterResource password)
    : Resource(name)
{
    /// <summary>The address services reach every node on: published container ports and local processes both listen there.</summary>
    public const string HostAddress = "127.0.0.1";

    /// <summary>Gets what the topology is made of.</summary>
    public RedisTopologySettings Settings { get; } = settings;

    /// <summary>Gets the kind of topology.</summary>
    public RedisTopologyKind Kind => Settings.Topology;

    /// <summary>Gets how the nodes run.</summary>
    public RedisRuntime Runtime { get; } = runtime is RedisRuntime.Auto
        ? throw new ArgumentException("The runtime must be resolved before the topology is built.", nameof(runtime))
        : runtime;

    /// <summary>Gets the password parameter.</summary>
    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>Gets the nodes, in the order they are planned.</summary>
    public IReadOnlyList<RedisNode> Nodes { get; } = RedisTopologyPlan.Nodes(name, settings);

    /// <summary>Gets the folder that holds the nodes' data folders for this topology.</summary>
    public string DataDirectory => Path.Combine(Settings.DataDirectory, $"{Name}-{Kind.ToString().ToLowerInvariant()}-{Nodes[0].Port}");

    /// <summary>
    /// Gets the host a node announces to its peers and to clients: its name on the container network, or the loopback
    /// address for local processes. Services on the host reach it through <c>REDIS_NAT_MAP</c>.
    /// </summary>
    /// <param name="node">The node.</param>
    public string AnnouncedHost(RedisNode node) => Runtime is RedisRuntime.Container ? node.Name : HostAddress;

    /// <summary>Gets the data folder of one node.</summary>
    /// <param name="node">The node.</param>
    public string NodeDirectory(RedisNode node) => Path.Combine(DataDirectory, node.Name);

    /// <summary>Gets the node that starts as master of a sentinel or single topology.</summary>
    public RedisNode Master => Nodes.First(n => n.Role is RedisNodeRole.Master);
}
