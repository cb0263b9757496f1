using System.Net.Sockets;
using System.Text;

namespace VibeZ.Gateway.Tests.Infrastructure;

/// <summary>
/// One TCP connection to a Gateway that speaks HTTP/1.1 by hand, so a test sees what an HttpClient hides: a connection
/// Kestrel closes as soon as it accepts it, with no HTTP answer at all. It stays open (keep-alive) until disposed.
/// </summary>
internal sealed class RawHttpConnection : IDisposable
{
    private readonly Socket _socket = new(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    private readonly GatewayProcess _gateway;

    private RawHttpConnection(GatewayProcess gateway) => _gateway = gateway;

    public static async Task<RawHttpConnection> OpenAsync(GatewayProcess gateway)
    {
        var connection = new RawHttpConnection(gateway);
        try
        {
            await TestWait.For(connection._socket.ConnectAsync(gateway.BaseAddress.Host, gateway.BaseAddress.Port, TestContext.Current.CancellationToken).AsTask(), "a TCP connection to the Gateway");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends a keep-alive <c>GET</c> of <paramref name="path"/> and returns the answer's status line, or null when the
    /// Gateway closed or reset the connection without answering. Neither within <see cref="TestWait.Timeout"/> fails.
    /// </summary>
    public async Task<string?> GetAsync(string path)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TestWait.Timeout);
        var request = Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {_gateway.BaseAddress.Authority}\r\n\r\n");
        var received = new StringBuilder();
        var buffer = new byte[1024];
        try
        {
            await _socket.SendAsync(request, SocketFlags.None, limit.Token);
            while (!received.ToString().Contains("\r\n", StringComparison.Ordinal))
            {
                var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token);
                if (read == 0)
                {
                    return NothingOrPartial(received);
                }

                received.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            return received.ToString().Split("\r\n")[0];
        }
        catch (SocketException)
        {
            // Reset: the Gateway closed the connection with our request unread.
            return NothingOrPartial(received);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"GET {path} on a raw connection was neither answered nor closed within {TestWait.Timeout.TotalSeconds:0} s; received '{received}'.");
        }
    }

    public void Dispose() => _socket.Dispose();

    private static string? NothingOrPartial(StringBuilder received) => received.Length == 0 ? null : received.ToString();
}
