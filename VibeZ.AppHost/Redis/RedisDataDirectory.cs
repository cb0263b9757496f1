namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Lays out the nodes' data folders before anything starts. Every run starts from clean state: a cluster cannot be
/// created twice over old node files, and stale sentinel state would point at a master from the last run.
/// A node restarted from the dashboard keeps its folder, so it rejoins with its data and its cluster or sentinel state.
/// </summary>
internal static class RedisDataDirectory
{
    public static async Task PrepareAsync(RedisTopologyResource topology, CancellationToken cancellationToken)
    {
        var password = await topology.PasswordParameter.GetValueAsync(cancellationToken) ?? "";
        if (Directory.Exists(topology.DataDirectory))
        {
            Directory.Delete(topology.DataDirectory, recursive: true);
        }

        foreach (var node in topology.Nodes)
        {
            var directory = Directory.CreateDirectory(topology.NodeDirectory(node)).FullName;
            var file = Path.Combine(directory, RedisNodeConfigFile.FileName(node));
            await File.WriteAllTextAsync(file, RedisNodeConfigFile.Render(topology, node, password), cancellationToken);
            if (!OperatingSystem.IsWindows())
            {
                // The file holds the password: only its owner (and root in a container) may read it.
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
    }
}
