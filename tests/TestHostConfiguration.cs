using System.Runtime.CompilerServices;

namespace VibeZ.Testing;

/// <summary>Process-wide settings that every test assembly applies before its first test.</summary>
internal static class TestHostConfiguration
{
    /// <summary>
    /// Hosts built by tests do not watch their configuration files. Every host that watches holds inotify instances, a
    /// test run builds dozens of hosts at once, and on Linux the per-user limit is 128 instances: with an IDE or another
    /// test run holding some, hosts failed to build ("The configured user limit (128) on the number of inotify
    /// instances has been reached"). No test changes a configuration file while its host runs. Processes the tests
    /// start inherit the setting.
    /// </summary>
    [ModuleInitializer]
    internal static void Apply() => Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
}
