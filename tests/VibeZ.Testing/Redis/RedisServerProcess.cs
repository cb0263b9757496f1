using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using VibeZ.Redis;

namespace VibeZ.Testing.Redis;

/// <summary>
/// A throw-away redis-server (or redis-sentinel) on a free 127.0.0.1 port in a folder of its own, stopped by PID.
/// Fails loudly when the executable is missing. With <see cref="Containers"/> it runs in a container instead.
/// </summary>
public sealed class RedisServerProcess : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    /// <summary>A refusal of DEBUG comes at once; a sleeping server says nothing for seconds.</summary>
    private static readonly TimeSpan RefusalWait = TimeSpan.FromMilliseconds(500);

    private readonly StringBuilder _output = new();
    private readonly string _executable;
    private readonly string? _configFileText;
    private readonly string[] _extraArguments;
    private readonly string _directory = Directory.CreateTempSubdirectory("vibez-test-redis-").FullName;
    private Process? _process;
    private int _containerProcessId;

    /// <summary>A plain password-protected redis-server, as the class fixture.</summary>
    public RedisServerProcess()
        : this("redis-server", "test-" + Guid.NewGuid().ToString("N"), configFileText: null)
    {
    }

    /// <param name="executable"><c>redis-server</c> or <c>redis-sentinel</c>.</param>
    /// <param name="password">The password clients (and <see cref="StartAsync"/>'s PING) use.</param>
    /// <param name="configFileText">A config file to start from (sentinels need one they can rewrite), or null.</param>
    /// <param name="extraArguments">More <c>--name value</c> arguments.</param>
    public RedisServerProcess(string executable, string password, string? configFileText, params string[] extraArguments)
    {
        _executable = executable;
        Password = password;
        _configFileText = configFileText;
        _extraArguments = extraArguments;
        Port = GetFreePort();
    }

    public int Port { get; }

    /// <summary>Gets where the server runs: a container of that image when set, else a local process.</summary>
    public RedisContainers? Containers { get; init; }

    /// <summary>Gets the id of the running server process, or 0 while it is not running (for CPU and memory sampling).</summary>
    public int ProcessId => _process is { HasExited: false } process ? (Containers is null ? process.Id : _containerProcessId) : 0;

    /// <summary>Gets the password the server requires; tests connect with it.</summary>
    public string Password { get; }

    /// <summary>Gets what the process printed so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async ValueTask InitializeAsync() => await StartAsync();

    /// <summary>Kills the server (SIGKILL), as a crash would; <see cref="StartAsync"/> brings it back on the same port.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            // A container's server is killed in the container; the runtime's client then ends with it.
            if (Containers is not null)
            {
                Containers.Kill(ContainerName);
            }
            else
            {
                _process.Kill();
            }

            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>
    /// Freezes the server (SIGSTOP): its sockets stay open and it answers nothing, as a hung host would, until
    /// <see cref="Resume"/>. Disposing a paused server still kills it.
    /// </summary>
    public void Pause() => ProcessSignals.Pause(ProcessId, $"{_executable} on port {Port}");

    /// <summary>Lets a server frozen by <see cref="Pause"/> run again (SIGCONT).</summary>
    public void Resume() => ProcessSignals.Resume(ProcessId, $"{_executable} on port {Port}");

    /// <summary>Starts the server on <see cref="Port"/> and waits until it answers PING.</summary>
    /// <param name="moreArguments">Arguments for this start only, e.g. <c>--replicaof host port</c> for a restart.</param>
    public async Task StartAsync(params string[] moreArguments)
    {
        // The config file is written once: a sentinel rewrites it with what it learned, and a restart keeps that.
        var configFile = Path.Combine(_directory, "redis.conf");
        if (_configFileText is not null && !File.Exists(configFile))
        {
            await File.WriteAllTextAsync(configFile, _configFileText);
        }

        var arguments = new List<string>();
        if (_configFileText is not null)
        {
            arguments.Add(configFile);
        }

        arguments.AddRange(["--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", _directory, "--save", "", "--appendonly", "no", "--requirepass", Password]);
        arguments.AddRange(_extraArguments);
        arguments.AddRange(moreArguments);
        var startInfo = Containers?.RunInfo(ContainerName, _directory, _executable, arguments) ?? new ProcessStartInfo(_executable, arguments);
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        startInfo.WorkingDirectory = _directory;

        try
        {
            _process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{startInfo.FileName} did not start.");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException(Containers is null
                ? $"These tests need {_executable} on PATH (apt-get install redis-server redis-sentinel)."
                : $"{Containers.Program} is not on PATH (bash eng/install.sh --containers).", ex);
        }

        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        await WaitForPongAsync();
        if (Containers is not null)
        {
            _containerProcessId = Containers.ProcessIdOf(ContainerName);
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A crashed server may still be writing; the folder is under the temp directory anyway.
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Sends PING on a fresh connection and says whether PONG came back within <paramref name="timeout"/>, and what
    /// came back instead (a server frozen by <see cref="Pause"/> or <c>DEBUG SLEEP</c> answers nothing).
    /// </summary>
    public Task<(bool Answered, string Seen)> PingAsync(TimeSpan timeout) =>
        RedisNodeClient.PingAsync(Address, timeout, CancellationToken.None);

    /// <summary>
    /// Blocks the server's only thread with <c>DEBUG SLEEP</c>, as a hung host would, while its sockets stay open; the
    /// server must run with <c>--enable-debug-command yes</c>. Returns once the server has taken the command without
    /// refusing it, without waiting for the reply that comes when it wakes.
    /// </summary>
    public async Task SleepAsync(int seconds) => await await StartSleepingAsync(seconds);

    /// <summary>
    /// Sends <c>DEBUG SLEEP</c> as <see cref="SleepAsync"/> does, but returns the moment it is sent, for tests that time
    /// what follows from when the sleep began. The task it returns fails if the server refused or answered at once.
    /// </summary>
    public async Task<Task> StartSleepingAsync(int seconds)
    {
        var client = new RedisNodeClient(Address);
        try
        {
            var reply = await client.SendAsync(["DEBUG", "SLEEP", seconds.ToString(CultureInfo.InvariantCulture)], RefusalWait, CancellationToken.None);
            return ConfirmAsync(client, reply);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }

        async Task ConfirmAsync(RedisNodeClient sleeper, Task<string?> answer)
        {
            await using (sleeper)
            {
                if (await answer is { } reply)
                {
                    throw new InvalidOperationException($"{_executable} on port {Port} answered DEBUG SLEEP {seconds} at once with '{reply}' instead of sleeping.");
                }
            }
        }
    }

    /// <summary>The container's name: unique per port on this host, and per instance, so a leftover never collides.</summary>
    private string ContainerName => $"vibez-test-redis-{Port}-{Path.GetFileName(_directory)[^6..]}";

    private RedisNodeAddress Address => new(IPAddress.Loopback.ToString(), Port, User: null, Password);

    private async Task WaitForPongAsync()
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        string lastSeen = "nothing";
        while (DateTime.UtcNow < deadline)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"{_executable} on port {Port} exited with code {_process.ExitCode}. Output:\n{Output}");
            }

            (var answered, lastSeen) = await PingAsync(TimeSpan.FromSeconds(1));
            if (answered)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{_executable} on port {Port} did not answer PING within {StartTimeout}; last saw '{lastSeen}'. Output:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    public static int GetFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
