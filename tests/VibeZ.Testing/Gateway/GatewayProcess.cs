using System.Net.Http.Json;
using VibeZ.Testing.Processes;

namespace VibeZ.Testing.Gateway;

/// <summary>
/// A real VibeZ.Gateway process (its own build output, run with <c>dotnet</c>) on a free 127.0.0.1 port, with the
/// given <c>REDIS_*</c> and <c>Gateway__*</c> settings; stopped by PID.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly ServiceProcess _service;

    private GatewayProcess(ServiceProcess service, string node)
    {
        _service = service;
        Node = node;
    }

    public Uri BaseAddress => _service.BaseAddress;

    public Uri WebSocketAddress => new($"ws://{BaseAddress.Authority}/ws");

    public HttpClient Http => _service.Http;

    /// <summary>Gets the id the Gateway puts in its <c>subscribed</c> frames.</summary>
    public string Node { get; }

    public int ProcessId => _service.ProcessId;

    /// <summary>Gets what the process logged so far, for failure messages.</summary>
    public string Output => _service.Output;

    /// <summary>Gets how many lines the process has written so far (standard output and error).</summary>
    public int LineCount => _service.LineCount;

    /// <summary>Gets whether the process ended (killed, or crashed).</summary>
    public bool HasExited => _service.HasExited;

    /// <summary>Kills the Gateway with SIGKILL (<c>kill -9</c>): no 1001 close, no flush, its sockets simply die.</summary>
    public Task KillAsync() => _service.KillAsync();

    /// <summary>Freezes the Gateway (SIGSTOP), as a long GC pause or a stalled VM would, until <see cref="Resume"/>.</summary>
    public void Pause() => _service.Pause();

    /// <summary>Lets a Gateway frozen by <see cref="Pause"/> run again (SIGCONT).</summary>
    public void Resume() => _service.Resume();

    /// <summary>Starts a Gateway and waits until it answers <c>/health</c> with 200 (Redis reachable).</summary>
    /// <param name="settings">Environment variables for the process.</param>
    /// <param name="shippedLogLevels">Whether to log at the levels the Gateway ships with; see <see cref="ServiceProcess.StartAsync"/>.</param>
    public static async Task<GatewayProcess> StartAsync(IEnumerable<(string Key, string? Value)> settings, bool shippedLogLevels = false)
    {
        var service = await ServiceProcess.StartAsync(ServiceProcess.BuildOutput("VibeZ.Gateway"), "/health", settings, StartTimeout, shippedLogLevels);
        try
        {
            var node = await service.Http.GetFromJsonAsync<NodeResponse>("/api/node");
            return new GatewayProcess(service, node!.Node);
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _service.DisposeAsync();

    private sealed record NodeResponse(string Node);
}
