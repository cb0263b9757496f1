using System.Runtime.Versioning;

namespace VibeZ.AppHost.Tests.Redis;

/// <summary>How the data folder is laid out on disk before any node starts; nothing is started.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class RedisDataDirectoryTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "vibez-datadir-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task FoldersAre700AndConfigFiles600EvenUnderAPermissiveUmaskAndAnOpenExistingFolder()
    {
        // A folder left open by someone else's run is taken back to 700, not trusted as it is.
        Directory.CreateDirectory(_root);
        File.SetUnixFileMode(_root, (UnixFileMode)0b111_111_111);
        var builder = DistributedApplication.CreateBuilder();
        var topology = new RedisSentinelResource("redis", new RedisTopologySettings { DataDirectory = _root },
            RedisRuntime.Process, new RedisTopologyCredentials(Secret("pw", "s3cret"), Secret("service-pw", "service-s3cret"), Secret("sentinel-pw", "sentinel-s3cret")));

        await RedisDataDirectory.PrepareAsync(topology, TestContext.Current.CancellationToken);

        Assert.Equal(RedisDataDirectory.FolderMode, File.GetUnixFileMode(_root));
        Assert.Equal(RedisDataDirectory.FolderMode, File.GetUnixFileMode(topology.DataDirectory));
        Assert.All(topology.Nodes, node =>
        {
            Assert.Equal(RedisDataDirectory.FolderMode, File.GetUnixFileMode(topology.NodeDirectory(node)));
            var file = Path.Combine(topology.NodeDirectory(node), RedisNodeConfigFile.FileName(node));
            Assert.Equal(RedisDataDirectory.FileMode, File.GetUnixFileMode(file));
            Assert.Contains("requirepass s3cret", File.ReadAllText(file), StringComparison.Ordinal);
        });

        ParameterResource Secret(string name, string value) => builder.AddParameter(name, value, secret: true).Resource;
    }
}
