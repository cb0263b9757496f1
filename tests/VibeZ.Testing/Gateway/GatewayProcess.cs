using System.Net.Http.Json;
using VibeZ.Testing.Processes;

namespace VibeZ.Testing.Gateway;

/// <summary>
/// A real VibeZ.Gateway process (its own build output, run with <c>dotnet</c>) on a free 127.0.0.1 port, with the
/// given <c>REDIS_*</c> and <c>Gateway__*</c> settings; stopped by PID. It runs with <see cref="GatewayTokens.SigningKey"/>
/// unless the settings name another key, and <see cref="Http"/> carries a token that grants every channel.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly ServiceProcess _service;

    private readonly (string Key, string? Issuer, string? Audience) _tokens;

    private GatewayProcess(ServiceProcess service, string node, (string Key, string? Issuer, string? Audience) tokens)
    {
        _service = service;
        Node = node;
        _tokens = tokens;
    }

    /// <summary>A token this Gateway accepts (its key, issuer and audience), granting what the arguments say.</summary>
    public string MintToken(
        string subject = GatewayTokens.Subject, string subscribe = "*", string publish = "*", string history = "*", string apiPublish = "*", TimeSpan? lifetime = null) =>
        GatewayTokens.Mint(subject, subscribe, publish, history, apiPublish, lifetime, _tokens.Key, _tokens.Issuer, _tokens.Audience);

    public Uri BaseAddress => _service.BaseAddress;

    public Uri WebSocketAddress => new($"ws://{BaseAddress.Authority}/ws");

    /// <summary>Gets a client whose requests carry a token that grants every channel.</summary>
    public HttpClient Http => _service.Http;

    /// <summary>A client without a token, for what anonymous callers get; the caller disposes it.</summary>
    public HttpClient CreateAnonymousHttpClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

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

    /// <summary>Asks the Gateway to stop (SIGTERM), as an orchestrator would: it shuts down gracefully.</summary>
    public void Terminate() => _service.Terminate();

    /// <summary>Freezes the Gateway (SIGSTOP), as a long GC pause or a stalled VM would, until <see cref="Resume"/>.</summary>
    public void Pause() => _service.Pause();

    /// <summary>Lets a Gateway frozen by <see cref="Pause"/> run again (SIGCONT).</summary>
    public void Resume() => _service.Resume();

    /// <summary>Starts a Gateway and waits until it answers <c>/health</c> with 200 (Redis reachable).</summary>
    /// <param name="settings">Environment variables for the process.</param>
    /// <param name="shippedLogLevels">Whether to log at the levels the Gateway ships with; see <see cref="ServiceProcess.StartAsync"/>.</param>
    public static async Task<GatewayProcess> StartAsync(IEnumerable<(string Key, string? Value)> settings, bool shippedLogLevels = false)
    {
        (string Key, string? Value)[] all = [(GatewayTokens.SigningKeySetting, GatewayTokens.SigningKey), .. settings];
        string? Setting(string key) => all.LastOrDefault(s => s.Key == key).Value;
        var tokens = (Setting(GatewayTokens.SigningKeySetting) ?? GatewayTokens.SigningKey, Setting("Gateway__Auth__Issuer"), Setting("Gateway__Auth__Audience"));
        var service = await ServiceProcess.StartAsync(ServiceProcess.BuildOutput("VibeZ.Gateway"), "/health", all, StartTimeout, shippedLogLevels);
        try
        {
            service.Http.DefaultRequestHeaders.Authorization = new("Bearer", GatewayTokens.Mint(key: tokens.Item1, issuer: tokens.Item2, audience: tokens.Item3));
            var node = await service.Http.GetFromJsonAsync<NodeResponse>("/api/node");
            return new GatewayProcess(service, node!.Node, tokens);
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
