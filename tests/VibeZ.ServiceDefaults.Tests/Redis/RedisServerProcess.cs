using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace VibeZ.ServiceDefaults.Tests.Redis;

/// <summary>
/// A throw-away redis-server on a free 127.0.0.1 port, stopped by PID. Fails loudly when redis-server is missing.
/// </summary>
public sealed class RedisServerProcess : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private readonly StringBuilder _output = new();
    private Process? _process;

    public int Port { get; private set; }

    /// <summary>Gets the password the server requires; tests connect with it.</summary>
    public string Password { get; } = "test-" + Guid.NewGuid().ToString("N");

    public async ValueTask InitializeAsync()
    {
        Port = GetFreePort();
        var startInfo = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--requirepass", Password })
        {
            startInfo.ArgumentList.Add(argument);
        }

        try
        {
            _process = Process.Start(startInfo) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException("These tests need redis-server on PATH (apt-get install redis-server).", ex);
        }

        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        await WaitForPongAsync();
    }

    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }

        _process?.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task WaitForPongAsync()
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        string lastSeen = "nothing";
        while (DateTime.UtcNow < deadline)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"redis-server on port {Port} exited with code {_process.ExitCode}. Output:\n{Output}");
            }

            try
            {
                using var client = new TcpClient();
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await client.ConnectAsync(IPAddress.Loopback, Port, attempt.Token);
                var stream = client.GetStream();
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"AUTH {Password}\r\nPING\r\n"), attempt.Token);
                var buffer = new byte[64];
                var read = 0;
                while (read < buffer.Length && !Encoding.ASCII.GetString(buffer, 0, read).Contains("PONG"))
                {
                    var n = await stream.ReadAsync(buffer.AsMemory(read), attempt.Token);
                    if (n == 0)
                    {
                        break;
                    }

                    read += n;
                }

                lastSeen = Encoding.ASCII.GetString(buffer, 0, read).Trim();
                if (lastSeen.Contains("PONG"))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
            {
                lastSeen = ex.Message;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"redis-server on port {Port} did not answer PING within {StartTimeout}; last saw '{lastSeen}'. Output:\n{Output}");
    }

    private string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
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

    private static int GetFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
