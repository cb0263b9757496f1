using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;

namespace VibeZ.Gateway.Tests.Infrastructure;

/// <summary>
/// A real VibeZ.Gateway process (its own build output, run with <c>dotnet</c>) on a free 127.0.0.1 port, with the
/// given <c>REDIS_*</c> and <c>Gateway__*</c> settings; stopped by PID.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private GatewayProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public Uri WebSocketAddress => new($"ws://{BaseAddress.Authority}/ws");

    public HttpClient Http { get; }

    /// <summary>Gets the id the Gateway puts in its <c>subscribed</c> frames.</summary>
    public string Node { get; private set; } = "";

    public int ProcessId => _process.Id;

    /// <summary>Gets whether the process ended (killed, or crashed).</summary>
    public bool HasExited => _process.HasExited;

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

    /// <summary>Starts a Gateway and waits until it answers <c>/health</c> with 200 (Redis reachable).</summary>
    public static async Task<GatewayProcess> StartAsync(IEnumerable<(string Key, string? Value)> settings)
    {
        var port = RedisServerProcess.GetFreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(GatewayAssembly)!,
        };
        startInfo.ArgumentList.Add(GatewayAssembly);
        startInfo.Environment["ASPNETCORE_URLS"] = baseAddress.ToString();
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        startInfo.Environment["Logging__LogLevel__Default"] = "Warning";
        startInfo.Environment["Logging__LogLevel__VibeZ"] = "Information";

        startInfo.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = null;
        foreach (var (key, value) in settings)
        {
            startInfo.Environment[key] = value;
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("dotnet did not start");
        var gateway = new GatewayProcess(process, baseAddress);
        process.OutputDataReceived += (_, e) => gateway.Append(e.Data);
        process.ErrorDataReceived += (_, e) => gateway.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await gateway.WaitUntilReadyAsync();
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the Gateway with SIGKILL (<c>kill -9</c>): no 1001 close, no flush, its sockets simply die.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Freezes the Gateway (SIGSTOP), as a long GC pause or a stalled VM would, until <see cref="Resume"/>.</summary>
    public void Pause() => ProcessSignals.Pause(_process, $"the Gateway on {BaseAddress}");

    /// <summary>Lets a Gateway frozen by <see cref="Pause"/> run again (SIGCONT).</summary>
    public void Resume() => ProcessSignals.Resume(_process, $"the Gateway on {BaseAddress}");

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

    private async Task WaitUntilReadyAsync()
    {
        await TestWait.Until(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The Gateway exited with code {_process.ExitCode}:\n{Output}");
            }

            using var response = await Http.GetAsync("/health");
            return (response.IsSuccessStatusCode, $"/health answered {(int)response.StatusCode}");
        }, $"the Gateway on {BaseAddress} to answer /health with 200", StartTimeout);

        var node = await Http.GetFromJsonAsync<NodeResponse>("/api/node");
        Node = node!.Node;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    /// <summary>Gets the repository's root: the folder above this test assembly that holds VibeZ.sln.</summary>
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

    /// <summary>The Gateway's build output: the same configuration as this test assembly.</summary>
    private static string GatewayAssembly
    {
        get
        {
            var testDirectory = new DirectoryInfo(AppContext.BaseDirectory);
            var configuration = testDirectory.Parent!.Name;
            var path = Path.Combine(RepositoryDirectory, "VibeZ.Gateway", "bin", configuration, testDirectory.Name, "VibeZ.Gateway.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("Build VibeZ.Gateway first; not found: " + path);
        }
    }

    private sealed record NodeResponse(string Node);
}
