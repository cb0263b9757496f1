namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// How every node is started, as a process and in a container alike: <c>redis-server</c> under a shell that first sets
/// the umask to 077. The AppHost writes each config file with mode 600, but Redis replaces the file when it rewrites it
/// (sentinels on every state change, data nodes on <c>CONFIG REWRITE</c>) and gives the new one 0644 minus the umask.
/// Only the umask of the server itself keeps the rewritten file, which holds the passwords, readable by its owner alone.
/// </summary>
internal static class RedisNodeCommand
{
    /// <summary>The shell; the Debian and official Redis images both have it.</summary>
    public const string Shell = "/bin/sh";

    /// <summary>The umask the server runs with: files it creates are its owner's only.</summary>
    public const string Umask = "077";

    // exec keeps one process, so the orchestrator's PID and signals (crash, stop) are the server's own.
    private const string Script = "umask " + Umask + " && exec " + RedisTopologyDefaults.ServerCommand + " \"$0\" \"$@\"";

    /// <summary>The shell's arguments that start the server on <paramref name="configFile"/>, then <paramref name="serverArguments"/>.</summary>
    public static string[] Arguments(string configFile, params string[] serverArguments) => ["-c", Script, configFile, .. serverArguments];
}
