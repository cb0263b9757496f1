using System.Diagnostics;
using System.Text;
using VibeZ.Testing.Redis;

namespace VibeZ.Testing.Processes;

/// <summary>
/// A real ASP.NET Core service of this repository (its build output, run with <c>dotnet</c>) on a free 127.0.0.1 port,
/// with the given settings as environment variables; stopped by PID.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private int _lineCount;

    private ServiceProcess(Process process, Uri baseAddress, string name)
    {
        _process = process;
        BaseAddress = baseAddress;
        Name = name;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public string Name { get; }

    public HttpClient Http { get; }

    public int ProcessId => _process.Id;

    /// <summary>Gets how many lines the process has written so far (standard output and error).</summary>
    public int LineCount
    {
        get
        {
            lock (_output)
            {
                return _lineCount;
            }
        }
    }

    /// <summary>Gets what the process logged so far, for failure messages.</summary>
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

    /// <summary>
    /// Starts <paramref name="assembly"/> and waits until <paramref name="readyPath"/> answers 2xx. Settings are applied
    /// after the defaults (Development, warnings only, no OTLP export), so a caller can override any of them.
    /// </summary>
    /// <param name="assembly">The service's built assembly.</param>
    /// <param name="readyPath">The path that answers 2xx once the service is ready.</param>
    /// <param name="settings">Environment variables for the process.</param>
    /// <param name="startTimeout">How long to wait for <paramref name="readyPath"/>.</param>
    /// <param name="shippedLogLevels">
    /// Whether to log at the levels the service ships with (its <c>appsettings.json</c>), as an operator would see it;
    /// otherwise only warnings and VibeZ's own information, which keeps failure messages readable.
    /// </param>
    public static async Task<ServiceProcess> StartAsync(
        string assembly, string readyPath, IEnumerable<(string Key, string? Value)> settings, TimeSpan startTimeout, bool shippedLogLevels = false)
    {
        var port = RedisServerProcess.GetFreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        startInfo.ArgumentList.Add(assembly);
        startInfo.Environment["ASPNETCORE_URLS"] = baseAddress.ToString();
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        if (!shippedLogLevels)
        {
            startInfo.Environment["Logging__LogLevel__Default"] = "Warning";
            startInfo.Environment["Logging__LogLevel__VibeZ"] = "Information";
        }
        startInfo.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = null;
        foreach (var (key, value) in settings)
        {
            startInfo.Environment[key] = value;
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("dotnet did not start");
        var service = new ServiceProcess(process, baseAddress, Path.GetFileNameWithoutExtension(assembly));
        process.OutputDataReceived += (_, e) => service.Append(e.Data);
        process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await TestWait.Until(async () =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"{service.Name} exited with code {process.ExitCode}:\n{service.Output}");
                }

                using var response = await service.Http.GetAsync(readyPath);
                return (response.IsSuccessStatusCode, $"{readyPath} answered {(int)response.StatusCode}");
            }, $"{service.Name} on {baseAddress} to answer {readyPath} with 2xx", startTimeout);
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Finds the build output of the project in folder <paramref name="projectFolder"/> (relative to the repository
    /// root): the same configuration and framework as the running assembly, which has to be built beside it.
    /// </summary>
    public static string BuildOutput(string projectFolder)
    {
        var runningDirectory = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = runningDirectory.Parent!.Name;
        var path = Path.Combine(RepositoryDirectory, projectFolder, "bin", configuration, runningDirectory.Name, Path.GetFileName(projectFolder) + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build {projectFolder} first; not found: " + path);
    }

    /// <summary>Gets the repository's root: the folder above the running assembly that holds VibeZ.sln.</summary>
    public static string RepositoryDirectory
    {
        get
        {
            var repository = new DirectoryInfo(AppContext.BaseDirectory);
            while (repository is not null && !File.Exists(Path.Combine(repository.FullName, "VibeZ.sln")))
            {
                repository = repository.Parent;
            }

            return repository?.FullName ?? throw new InvalidOperationException("VibeZ.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Gets whether the process ended (killed, or crashed).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Kills the process with SIGKILL (<c>kill -9</c>): no graceful close, no flush, its sockets simply die.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Asks the process to stop (SIGTERM), as an orchestrator would; it shuts down gracefully.</summary>
    public void Terminate() => ProcessSignals.Terminate(_process, $"{Name} on {BaseAddress}");

    /// <summary>Freezes the process (SIGSTOP), as a long GC pause or a stalled VM would, until <see cref="Resume"/>.</summary>
    public void Pause() => ProcessSignals.Pause(_process, $"{Name} on {BaseAddress}");

    /// <summary>Lets a process frozen by <see cref="Pause"/> run again (SIGCONT).</summary>
    public void Resume() => ProcessSignals.Resume(_process, $"{Name} on {BaseAddress}");

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
                _lineCount++;
            }
        }
    }
}
