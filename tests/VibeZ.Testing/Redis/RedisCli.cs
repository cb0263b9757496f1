using System.Diagnostics;

namespace VibeZ.Testing.Redis;

/// <summary>Runs one <c>redis-cli</c> command against a 127.0.0.1 port; for set-up and crashes, not for the code under test.</summary>
public static class RedisCli
{
    public static async Task<string> RunAsync(int port, string password, params string[] command)
    {
        var startInfo = new ProcessStartInfo("redis-cli")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-h", "127.0.0.1", "-p", port.ToString(), "--no-auth-warning", "-a", password }.Concat(command))
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("redis-cli did not start.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return output + await process.StandardError.ReadToEndAsync(timeout.Token);
    }

    /// <summary>Reads <c>name</c> from redis-cli's one-per-line field/value output (e.g. <c>SENTINEL MASTER</c>).</summary>
    public static string? Field(string output, string name)
    {
        var lines = output.Split('\n', StringSplitOptions.TrimEntries);
        var index = Array.IndexOf(lines, name);
        return index >= 0 && index + 1 < lines.Length ? lines[index + 1] : null;
    }
}
