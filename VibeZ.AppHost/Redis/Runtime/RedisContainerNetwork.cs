using System.Net;
using System.Net.Sockets;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The container network a topology owns, on which every node has a fixed address and knows every other node's name
/// through a host entry.
/// </summary>
/// <remarks>
/// Nodes find each other by name (a replica its master, sentinels the master, cluster-create every node). Container
/// DNS is not a given: Podman's CNI backend without the dnsname plugin has none, and aardvark-dns can die at start. So
/// the topology does not ask it: the network's addresses are fixed when it is created, and every container gets the
/// whole table as <c>--add-host</c> entries, which land in its <c>/etc/hosts</c>. A node restarted from the dashboard
/// keeps its address, so cluster peers and clients find it again.
/// </remarks>
/// <param name="name">The network's name.</param>
/// <param name="containerRuntime">The container runtime's command, <c>podman</c> or <c>docker</c>.</param>
public sealed class RedisContainerNetwork(string name, string containerRuntime)
{
    // Addresses below this are left to the runtime (the gateway is .1); nodes follow in plan order.
    private const int FirstNodeHost = 10;

    private IPNetwork? _subnet;

    /// <summary>Gets the network's name.</summary>
    public string Name { get; } = name;

    /// <summary>Gets the container runtime that creates the network and runs its containers.</summary>
    public string ContainerRuntime { get; } = containerRuntime;

    /// <summary>Gets the network's subnet, known once <see cref="EnsureCreated"/> has run.</summary>
    public IPNetwork Subnet => _subnet ?? throw new InvalidOperationException(
        $"The container network {Name} has no subnet yet: it is created when the application starts.");

    /// <summary>Gets the fixed address of the container at <paramref name="index"/> (nodes in plan order, helpers after them).</summary>
    /// <param name="index">The container's place, from 0.</param>
    public IPAddress AddressOf(int index)
    {
        var bytes = Subnet.BaseAddress.GetAddressBytes();
        var host = FirstNodeHost + index;
        bytes[^1] = (byte)(bytes[^1] + host);
        return new IPAddress(bytes);
    }

    /// <summary>
    /// Gets the arguments that put a container on this network at <paramref name="address"/> and give it
    /// <paramref name="hosts"/> as host entries.
    /// </summary>
    /// <param name="address">The container's own address.</param>
    /// <param name="hosts">Every name the container must resolve, with its address.</param>
    public IEnumerable<string> RunArguments(IPAddress address, IEnumerable<(string Name, IPAddress Address)> hosts)
    {
        // Both runtimes take a second --network beside the orchestrator's own; only the syntax of its options differs.
        yield return "--network";
        yield return ContainerRuntime == "docker" ? $"name={Name},ip={address}" : $"{Name}:ip={address}";
        foreach (var (host, hostAddress) in hosts)
        {
            yield return "--add-host";
            yield return $"{host}:{hostAddress}";
        }
    }

    /// <summary>Creates the network unless it exists (a previous run's, with the same name), and reads its subnet.</summary>
    /// <param name="run">Runs a program; <see cref="ProgramRun.Start"/> outside tests.</param>
    /// <param name="label">A label that says who made the network.</param>
    /// <exception cref="InvalidOperationException">The runtime could not create the network or has no IPv4 subnet for it.</exception>
    internal void EnsureCreated(Func<string, string[], ProgramRun> run, string label)
    {
        var inspect = Inspect(run);
        if (!inspect.Succeeded)
        {
            var create = run(ContainerRuntime, ["network", "create", "--label", label, Name]);
            if (!create.Succeeded)
            {
                throw new InvalidOperationException($"'{ContainerRuntime} network create {Name}' failed: {create.Said}");
            }

            inspect = Inspect(run);
        }

        var subnets = inspect.Output.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => IPNetwork.TryParse(s, out var subnet) ? subnet : (IPNetwork?)null)
            .Where(s => s is { BaseAddress.AddressFamily: AddressFamily.InterNetwork, PrefixLength: <= 24 })
            .ToList();
        _subnet = subnets.FirstOrDefault() ?? throw new InvalidOperationException(
            $"The container network {Name} has no IPv4 subnet of at least 256 addresses ('{ContainerRuntime} network inspect' said '{inspect.Said}').");
    }

    private ProgramRun Inspect(Func<string, string[], ProgramRun> run) =>
        run(ContainerRuntime, ["network", "inspect", Name, "--format", SubnetFormat(ContainerRuntime)]);

    /// <summary>The Go template that prints a network's subnets, space-separated, in each runtime's inspect output.</summary>
    internal static string SubnetFormat(string containerRuntime) => containerRuntime == "docker"
        ? "{{range .IPAM.Config}}{{.Subnet}} {{end}}"
        : "{{range .Subnets}}{{.Subnet}} {{end}}";
}
