using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace VibeZ.Gateway.Tests.Integration.Hostile;

internal static partial class HostileClients
{
    // How long a slow-loris socket may stay open before the round says the Gateway let it.
    public static readonly TimeSpan SlowLorisLimit = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Eight raw TCP sockets, each sending a WebSocket upgrade request one byte every 50 ms and never finishing its
    /// headers: a slow-loris handshake. Each round records how the Gateway ended it — <c>408 after …</c>,
    /// <c>closed after …</c> — or <c>still open after 5 s</c>. A round started goes on until it ends, even past stop.
    /// </summary>
    public static async Task<HostileTally> SlowLorisAsync(GatewayProcess gateway, CancellationToken stop)
    {
        var tally = new HostileTally("slow-loris");
        var request = Encoding.ASCII.GetBytes(
            $"GET /ws HTTP/1.1\r\nHost: {gateway.BaseAddress.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nX-Padding: " + new string('p', 400) + "\r\n");
        // All eight at once: Parallel.ForAsync would otherwise run only as many as the machine has cores.
        await Parallel.ForAsync(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, _) =>
        {
            while (!stop.IsCancellationRequested)
            {
                Interlocked.Increment(ref tally.Rounds);
                tally.Closes.Enqueue(await SlowLorisRoundAsync(gateway, request));
                await PauseAsync(TimeSpan.FromMilliseconds(100), stop);
            }
        });
        return tally;
    }

    private static async Task<string> SlowLorisRoundAsync(GatewayProcess gateway, byte[] request)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var limit = new CancellationTokenSource(SlowLorisLimit);
        await socket.ConnectAsync(gateway.BaseAddress.Host, gateway.BaseAddress.Port, TestContext.Current.CancellationToken).AsTask().WaitAsync(TestWait.Timeout);
        var clock = Stopwatch.StartNew();
        var answer = ReadUntilClosedAsync(socket, limit.Token);
        for (var i = 0; i < request.Length && !answer.IsCompleted; i++)
        {
            try
            {
                await socket.SendAsync(request.AsMemory(i, 1), SocketFlags.None, limit.Token);
                await Task.Delay(TimeSpan.FromMilliseconds(50), limit.Token);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                // Closed by the Gateway (the answer says how), or past the limit (the answer says that too).
                break;
            }
        }

        var received = await answer;
        var after = $"after {clock.Elapsed.TotalSeconds:F1} s";
        return received switch
        {
            null => $"still open after {SlowLorisLimit.TotalSeconds:F0} s",
            _ when received.StartsWith("HTTP/1.1 408", StringComparison.Ordinal) => $"408 {after}",
            "" => $"closed {after}",
            _ => $"answered '{received.Split('\r')[0]}' {after}",
        };
    }

    /// <summary>Reads what the Gateway sends until it closes the connection; null if it is still open at the limit.</summary>
    private static async Task<string?> ReadUntilClosedAsync(Socket socket, CancellationToken limit)
    {
        var received = new StringBuilder();
        var buffer = new byte[1024];
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, limit);
                if (read == 0)
                {
                    return received.ToString();
                }

                received.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }
        catch (SocketException)
        {
            // Reset by the Gateway: closed, with whatever it said before.
            return received.ToString();
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }
}
