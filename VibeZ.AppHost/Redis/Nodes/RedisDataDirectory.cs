namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Lays out the nodes' data folders before anything starts. Every run starts from clean state: a cluster cannot be
/// created twice over old node files, and stale sentinel state would point at a master from the last run.
/// A node restarted from the dashboard keeps its folder, so it rejoins with its data and its cluster or sentinel state.
/// </summary>
/// <remarks>
/// Config files hold passwords. Every folder from <see cref="RedisTopologySettings.DataDirectory"/> down is its owner's
/// alone (700), and every config file is created with mode 600 by the call that creates it, so there is no moment in
/// which another user could open it. The nodes keep it that way when they rewrite it (<see cref="RedisNodeCommand"/>).
/// </remarks>
internal static class RedisDataDirectory
{
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static async Task PrepareAsync(RedisTopologyResource topology, CancellationToken cancellationToken)
    {
        var secrets = await topology.Credentials.ResolveAsync(cancellationToken);
        PrivateFolder(topology.Settings.DataDirectory);
        if (Directory.Exists(topology.DataDirectory))
        {
            Directory.Delete(topology.DataDirectory, recursive: true);
        }

        PrivateFolder(topology.DataDirectory);
        if (topology.Tls is { } tls)
        {
            // The key is as secret as the passwords: the same 700 folder, the same 600 files.
            // In containers the network exists by now (BeforeStartEvent creates it first), so the fixed addresses are known.
            var (caCertificate, certificate, key) = tls.Generate(DateTimeOffset.UtcNow, topology.ContainerNetwork is null ? [] : topology.ContainerHosts);
            PrivateFolder(tls.Directory);
            await WritePrivateFileAsync(tls.CaCertificateFile, caCertificate, cancellationToken);
            await WritePrivateFileAsync(tls.CertificateFile, certificate, cancellationToken);
            await WritePrivateFileAsync(tls.KeyFile, key, cancellationToken);
        }

        foreach (var node in topology.Nodes)
        {
            var directory = PrivateFolder(topology.NodeDirectory(node));
            await WritePrivateFileAsync(Path.Combine(directory, RedisNodeConfigFile.FileName(node)), RedisNodeConfigFile.Render(topology, node, secrets), cancellationToken);
        }
    }

    /// <summary>Creates <paramref name="path"/> (and any missing parent) as 700, and takes a folder that already exists back to 700.</summary>
    private static string PrivateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return Directory.CreateDirectory(path).FullName;
        }

        var folder = Directory.CreateDirectory(path, FolderMode);
        try
        {
            // CreateDirectory leaves an existing folder as it was, and the umask may have narrowed nothing.
            if (folder.UnixFileMode != FolderMode)
            {
                folder.UnixFileMode = FolderMode;
            }
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new InvalidOperationException(
                $"{RedisTopologySettings.Key(nameof(RedisTopologySettings.DataDirectory))}: the folder '{folder.FullName}' belongs to another user, so its mode cannot be made 700; choose a folder of your own.", ex);
        }

        return folder.FullName;
    }

    private static async Task WritePrivateFileAsync(string path, string text, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            // open(2) with mode 600: the file never exists with wider permissions, not even empty.
            options.UnixCreateMode = FileMode;
        }

        await using var stream = new FileStream(path, options);
        await using var writer = new StreamWriter(stream);
        await writer.WriteAsync(text.AsMemory(), cancellationToken);
    }
}
