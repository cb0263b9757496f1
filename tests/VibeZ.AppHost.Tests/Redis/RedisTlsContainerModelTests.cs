using System.Net;
using System.Security.Cryptography.X509Certificates;
using VibeZ.AppHost.Tests.Infrastructure;

namespace VibeZ.AppHost.Tests.Redis;

/// <summary><c>VibeZ:Redis:Tls=true</c> with containers, in the model: the mount, the paths nodes read, the names the certificate carries.</summary>
public class RedisTlsContainerModelTests
{
    [Fact]
    public async Task ContainersMountTheTlsFolderReadOnlyAndTheirConfigNamesTheMountedFiles()
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(RedisTopologyKind.Cluster, RedisRuntime.Container, extra: "--VibeZ:Redis:Tls=true"));
        var topology = TopologyOnItsNetwork(appHost);
        var create = (ContainerResource)appHost.Resources.Single(r => r.Name == "redis-cluster-create");

        foreach (var container in appHost.Resources.OfType<RedisContainerNodeResource>().Cast<ContainerResource>().Append(create))
        {
            var mount = Assert.Single(container.Annotations.OfType<ContainerMountAnnotation>(), m => m.Target == "/tls");
            Assert.Equal(Path.Combine(topology.DataDirectory, "tls"), mount.Source);
            Assert.True(mount.IsReadOnly, $"{container.Name} mounts the TLS folder writable");
        }

        var config = RedisNodeConfigFile.Render(topology, topology.Nodes[0], TestSecrets.Default);
        Assert.Contains("tls-cert-file /tls/node.crt", config, StringComparison.Ordinal);
        Assert.Contains("tls-key-file /tls/node.key", config, StringComparison.Ordinal);
        Assert.Contains("tls-ca-cert-file /tls/ca.crt", config, StringComparison.Ordinal);
        Assert.Contains("tls-cluster yes", config, StringComparison.Ordinal);
        Assert.Contains("port 0", config.Split('\n').Select(l => l.Trim()));
    }

    [Fact]
    public async Task TheCertificateNamesTheHostAndEveryContainersNameAndFixedAddress()
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(RedisTopologyKind.Cluster, RedisRuntime.Container, extra: "--VibeZ:Redis:Tls=true"));
        var topology = TopologyOnItsNetwork(appHost);

        var (_, pem, _) = new RedisTopologyTls(Path.GetTempPath()).Generate(DateTimeOffset.UtcNow, topology.ContainerHosts);
        using var certificate = X509Certificate2.CreateFromPem(pem);
        var names = new X509SubjectAlternativeNameExtension(certificate.Extensions["2.5.29.17"]!.RawData);

        Assert.Equal(["localhost", .. Enumerable.Range(0, 6).Select(i => $"redis-node-{i}")], names.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback, .. Enumerable.Range(0, 6).Select(i => IPAddress.Parse($"10.89.7.{10 + i}"))], names.EnumerateIPAddresses());
    }

    /// <summary>The topology once its network exists, as at start-up: cluster nodes' config and certificate need their fixed addresses.</summary>
    private static RedisTopologyResource TopologyOnItsNetwork(IDistributedApplicationTestingBuilder appHost)
    {
        var topology = appHost.Resources.OfType<RedisTopologyResource>().Single();
        topology.ContainerNetwork!.EnsureCreated((_, args) => args is ["network", "inspect", ..] ? new ProgramRun(0, "10.89.7.0/24 ", "") : new ProgramRun(0, "", ""), "test");
        return topology;
    }
}
