using VibeZ.AppHost.Tests.Infrastructure;

namespace VibeZ.AppHost.Tests.Integration;

/// <summary>
/// Container topologies must not depend on container DNS, which a fresh Podman (CNI without the dnsname plugin) lacks.
/// These tests make a network without DNS on purpose, show that names do not resolve there, and that the topology's
/// way of naming nodes (fixed addresses and host entries) reaches a container by name all the same.
/// </summary>
[Collection(IntegrationCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ContainerNetworkTests : IDisposable
{
    // The DNS-less network below is made with Podman's --disable-dns; Docker's user networks always have DNS.
    private const string Runtime = "podman";

    private readonly string _network = $"vibez-test-nodns-{Guid.NewGuid().ToString("N")[..8]}";
    private readonly List<string> _containers = [];
    private readonly List<string> _networks = [];

    public ContainerNetworkTests()
    {
        var info = ProgramRun.Start(Runtime, ["info"]);
        Assert.True(info.Succeeded, $"These tests need Podman, and 'podman info' failed: {info.Said}. Run: bash eng/install.sh --containers");
        var created = ProgramRun.Start(Runtime, ["network", "create", "--disable-dns", "--label", "vibez.test=true", _network]);
        Assert.True(created.Succeeded, $"'podman network create --disable-dns {_network}' failed: {created.Said}");
    }

    [Fact]
    public void OnANetworkWithoutDnsAContainerCannotReachAnotherByItsName()
    {
        var network = NetworkWithoutDns();
        var server = StartServer(network, network.AddressOf(0));

        // Without host entries, as a topology that relied on container DNS would run.
        var ping = Ping(["--network", _network], server);

        Assert.False(ping.Succeeded, $"'redis-cli -h {server} ping' unexpectedly worked on a network without DNS: {ping.Said}");
        Assert.Contains("Name or service not known", ping.Said, StringComparison.Ordinal);
    }

    [Fact]
    public void OnANetworkWithoutDnsTheTopologysHostEntriesReachAContainerByItsName()
    {
        var network = NetworkWithoutDns();
        var serverAddress = network.AddressOf(0);
        var server = StartServer(network, serverAddress);

        var ping = Ping([.. network.RunArguments(network.AddressOf(1), [(server, serverAddress)])], server);

        Assert.True(ping.Succeeded, $"'redis-cli -h {server} ping' through a host entry failed: {ping.Said}");
        Assert.Equal("PONG", ping.Output);
    }

    [Fact]
    public void TheRuntimeCheckPassesOnThisMachine()
    {
        // The check the AppHost makes before it picks containers, and eng/install.sh makes in shell.
        var name = $"vibez-check-{Guid.NewGuid().ToString("N")[..8]}";
        var failure = RedisContainerNetworkCheck.Run(Runtime, AppHostArguments.Image, ProgramRun.Start, name, TimeSpan.FromMinutes(2));

        Assert.Null(failure);
        Assert.False(ProgramRun.Start(Runtime, ["container", "exists", $"{name}-server"]).Succeeded, $"The check left its container {name}-server behind.");
        Assert.False(ProgramRun.Start(Runtime, ["network", "exists", name]).Succeeded, $"The check left its network {name} behind.");
    }

    [Fact]
    public async Task TheChecksServerEndsByItselfWhenItsRemovalDoesNotHappen()
    {
        // As on a loaded machine where 'rm -f' timed out: the check runs, but its removals of the server are lost.
        var name = $"vibez-check-{Guid.NewGuid().ToString("N")[..8]}";
        var server = $"{name}-server";
        _containers.Add(server);
        _networks.Add(name);
        var failure = RedisContainerNetworkCheck.Run(Runtime, AppHostArguments.Image,
            (program, arguments) => arguments is ["rm", "-f", var removed] && removed == server ? new ProgramRun(-1, "", "timed out (test)") : ProgramRun.Start(program, arguments),
            name, TimeSpan.FromSeconds(3));

        Assert.Null(failure);
        await TestWait.Until(
            () => Task.FromResult((!ProgramRun.Start(Runtime, ["container", "exists", server]).Succeeded, $"{server} still exists")),
            $"the check's server {server} to end after its 3 s lifetime and be removed by --rm",
            TimeSpan.FromSeconds(30));
    }

    public void Dispose()
    {
        foreach (var container in _containers)
        {
            ProgramRun.Start(Runtime, ["rm", "-f", container]);
        }

        foreach (var network in _networks.Append(_network))
        {
            ProgramRun.Start(Runtime, ["network", "rm", network]);
        }
    }

    private RedisContainerNetwork NetworkWithoutDns()
    {
        var network = new RedisContainerNetwork(_network, Runtime);
        network.EnsureCreated(ProgramRun.Start, "vibez.test=true");
        return network;
    }

    private string StartServer(RedisContainerNetwork network, System.Net.IPAddress address)
    {
        var name = $"{_network}-server";
        var run = ProgramRun.Start(Runtime,
        [
            "run", "-d", "--rm", "--name", name, .. network.RunArguments(address, []),
            "--entrypoint", "redis-server", AppHostArguments.Image, "--port", "6379", "--protected-mode", "no", "--save", "",
        ]);
        Assert.True(run.Succeeded, $"starting {name} at {address} failed: {run.Said}");
        _containers.Add(name);
        return name;
    }

    /// <summary>Asks the server for PING by name from a second container, retrying while it starts (at most 5 s).</summary>
    private static ProgramRun Ping(string[] networkArguments, string server) => ProgramRun.Start(Runtime,
    [
        "run", "--rm", .. networkArguments, "--entrypoint", "/bin/sh", AppHostArguments.Image, "-c",
        $"i=0; until out=$(redis-cli -h {server} -p 6379 ping 2>&1) && [ \"$out\" = PONG ]; do i=$((i+1)); " +
        $"if [ $i -ge 50 ]; then echo \"$out\" >&2; exit 1; fi; sleep 0.1; done; echo \"$out\"",
    ]);
}
