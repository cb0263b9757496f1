using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace VibeZ.Gateway.Tests.Integration.Hostile;

internal static partial class HostileClients
{
    /// <summary>
    /// Subscribes to its own channel, never reads its socket (a 4 KiB receive buffer, so its TCP window shuts at once)
    /// and publishes 32 KiB a message, 100 a second, into that channel until the Gateway's log says it closed a
    /// non-reading client; then drops the socket and starts again, unless stopped.
    /// </summary>
    public static async Task<HostileTally> ZeroWindowAsync(GatewayProcess gateway, CancellationToken stop)
    {
        var tally = new HostileTally("zero-window");
        var data = new string('z', 32 * 1024);
        for (var round = 0; !stop.IsCancellationRequested; round++)
        {
            var closedBefore = ClosedNonReaders(gateway.Output);
            using var handler = new SocketsHttpHandler { ConnectCallback = ConnectWithSmallReceiveBufferAsync };
            using var invoker = new HttpMessageInvoker(handler);
            using var socket = new ClientWebSocket();
            socket.Options.SetRequestHeader("Authorization", "Bearer " + gateway.MintToken());
            await socket.ConnectAsync(gateway.WebSocketAddress, invoker, TestContext.Current.CancellationToken).WaitAsync(TestWait.Timeout);
            Interlocked.Increment(ref tally.Rounds);
            await SendJsonAsync(socket, $$"""{"type":"subscribe","channel":"sink"}""");
            // A round started goes on until the Gateway closes it, even past stop (up to CloseTimeout): each round
            // shows the close, however slowly a loaded machine fills the socket's buffers.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (var i = 0; clock.Elapsed < CloseTimeout; i++)
            {
                if (i % 10 == 0 && ClosedNonReaders(gateway.Output) > closedBefore)
                {
                    tally.Closes.Enqueue("closed by the Gateway (its log)");
                    break;
                }

                try
                {
                    await SendJsonAsync(socket, $$"""{"type":"publish","channel":"sink","id":"z-{{round}}-{{i}}","data":"{{data}}"}""");
                }
                catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or TimeoutException)
                {
                    // Aborted for a write timeout: the log says so, the next pass of the loop sees it.
                    await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(10), CancellationToken.None);
            }

            socket.Abort();
        }

        return tally;
    }

    /// <summary>Counts the Gateway's closes of clients that did not read (a full send queue or a write timeout).</summary>
    public static int ClosedNonReaders(string output) =>
        Occurrences(output, "send queue overflow") + Occurrences(output, "write timeout");

    private static async Task SendJsonAsync(ClientWebSocket socket, string json) =>
        await socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(5));

    /// <summary>A fixed receive buffer turns Linux's receive-buffer autotuning off, so a reader that stops shuts its window at once.</summary>
    private static async ValueTask<Stream> ConnectWithSmallReceiveBufferAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
