using System.Runtime.Versioning;

namespace VibeZ.AppHost.Tests.Integration;

/// <summary>Limits and file permissions every started topology must have, in containers and as local processes alike.</summary>
public abstract partial class TopologyTests
{
    private const UnixFileMode GroupOrOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    [Fact]
    public async Task EveryDataNodeRunsWithItsMemoryLimitAndNormalClientBufferLimit()
    {
        foreach (var node in Topology.Topology.Nodes.Where(n => n.IsDataNode))
        {
            Assert.Equal($"maxmemory\n{512L * 1024 * 1024}", await Topology.QueryAsync(node, "CONFIG", "GET", "maxmemory"));
            Assert.Equal("maxmemory-policy\nnoeviction", await Topology.QueryAsync(node, "CONFIG", "GET", "maxmemory-policy"));
            var buffers = await Topology.QueryAsync(node, "CONFIG", "GET", "client-output-buffer-limit");
            Assert.Contains($"normal {256L * 1024 * 1024} {64L * 1024 * 1024} 60", buffers, StringComparison.Ordinal);
        }
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task ConfigFilesAndDataFoldersStayOwnerOnlyAfterRedisRewritesThem()
    {
        // Redis replaces the file when it rewrites it: data nodes on CONFIG REWRITE, sentinels on every state change.
        foreach (var node in Topology.Topology.Nodes)
        {
            var reply = node.Role is RedisNodeRole.Sentinel
                ? await Topology.QueryAsync(node, "SENTINEL", "FLUSHCONFIG")
                : await Topology.QueryAsync(node, "CONFIG", "REWRITE");
            Assert.Equal("OK", reply);
        }

        var root = new DirectoryInfo(Topology.Topology.Settings.DataDirectory);
        var entries = new List<FileSystemInfo> { root };
        entries.AddRange(new DirectoryInfo(Topology.Topology.DataDirectory).EnumerateFileSystemInfos("*", SearchOption.AllDirectories));
        entries.Add(new DirectoryInfo(Topology.Topology.DataDirectory));

        var configFiles = entries.OfType<FileInfo>().Where(f => f.Name is "redis.conf" or "sentinel.conf").ToList();
        Assert.Equal(Topology.Topology.Nodes.Count, configFiles.Count);
        Assert.All(configFiles, file => Assert.True(file.UnixFileMode == (UnixFileMode.UserRead | UnixFileMode.UserWrite),
            $"{file.FullName} has mode {file.UnixFileMode} after its node rewrote it; it holds passwords and must be 600."));
        Assert.All(entries, entry => Assert.True((entry.UnixFileMode & GroupOrOthers) == 0,
            $"{entry.FullName} has mode {entry.UnixFileMode}; nothing in the data folder may be open to group or others."));
        Assert.All(entries.OfType<DirectoryInfo>(), folder => Assert.True(folder.UnixFileMode == (UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute),
            $"{folder.FullName} has mode {folder.UnixFileMode}; data folders must be 700."));
    }
}
