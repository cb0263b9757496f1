using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using VibeZ.Gateway.Tests.Infrastructure;

namespace VibeZ.Gateway.Tests.Integration;

/// <summary>
/// Ways one client can misbehave on a Gateway (docs/limits.md), each run in rounds until stopped: a client the Gateway
/// closes is replaced by a new one, so the pressure lasts. Each returns a <see cref="HostileTally"/> of what it got.
/// </summary>
internal static class HostileClients
{
    // How long a round waits for the Gateway to close a client that earned it.
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Publishes about 5000 frames a second, far past the rate limit, until the Gateway closes it.</summary>
    public static Task<HostileTally> FloodAsync(GatewayProcess gateway, CancellationToken stop) =>
        RoundsAsync("flood", gateway, stop, async (client, round) =>
        {
            for (var i = 0; !client.Ended && !stop.IsCancellationRequested; i++)
            {
                if (!await TrySendAsync(client, new { type = "publish", channel = "flood", data = i, id = $"f-{round}-{i}" }))
                {
                    return;
                }

                if (i % 50 == 49)
                {
                    await PauseAsync(TimeSpan.FromMilliseconds(10), stop);
                }
            }
        });

    /// <summary>Subscribes to and unsubscribes from 16 channels, about 500 frames a second: past the rate limit.</summary>
    public static Task<HostileTally> ChurnAsync(GatewayProcess gateway, CancellationToken stop) =>
        RoundsAsync("churn", gateway, stop, async (client, _) =>
        {
            for (var i = 0; !client.Ended && !stop.IsCancellationRequested; i++)
            {
                var channel = $"churn-{i % 16}";
                if (!await TrySendAsync(client, new { type = "subscribe", channel, id = $"s-{i}" })
                    || !await TrySendAsync(client, new { type = "unsubscribe", channel, id = $"u-{i}" }))
                {
                    return;
                }

                if (i % 25 == 24)
                {
                    await PauseAsync(TimeSpan.FromMilliseconds(100), stop);
                }
            }
        });

    /// <summary>Sends 256 KiB frames (four times <c>Gateway:MaxMessageBytes</c>) until the Gateway closes it.</summary>
    public static Task<HostileTally> OversizeAsync(GatewayProcess gateway, CancellationToken stop)
    {
        var frame = Encoding.UTF8.GetBytes($$"""{"type":"publish","channel":"big","data":"{{new string('x', 256 * 1024)}}"}""");
        return RoundsAsync("oversize", gateway, stop, async (client, _) =>
        {
            while (!client.Ended && !stop.IsCancellationRequested)
            {
                if (!await TrySendAsync(client, () => client.SendRawAsync(frame, WebSocketMessageType.Text)))
                {
                    return;
                }

                await PauseAsync(TimeSpan.FromMilliseconds(20), stop);
            }
        });
    }

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

    /// <summary>
    /// Reads whole history pages of <paramref name="channel"/> (300 messages each, the most a page holds), four at a time, each reader one page
    /// every 100 ms at most: up to 40 pages a second.
    /// </summary>
    public static async Task<HostileTally> ReadHistoryAsync(GatewayProcess gateway, string channel, CancellationToken stop)
    {
        var tally = new HostileTally("history");
        await Parallel.ForAsync(0, 4, async (_, _) =>
        {
            while (!stop.IsCancellationRequested)
            {
                // Streamed and dropped: a 1 MB array per page would be the test process's own garbage, and its
                // collections would show up as the calm client's latency.
                using var response = await gateway.Http.GetAsync(
                    $"/api/channels/{channel}/messages?since=0&limit=300", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
                await using var body = new CountingStream();
                await response.Content.CopyToAsync(body, TestContext.Current.CancellationToken);
                tally.Count(response.IsSuccessStatusCode ? "ok" : $"HTTP {(int)response.StatusCode}");
                Interlocked.Add(ref tally.BytesRead, body.Length);
                await PauseAsync(TimeSpan.FromMilliseconds(100), stop);
            }
        });
        return tally;
    }

    /// <summary>Counts the Gateway's closes of clients that did not read (a full send queue or a write timeout).</summary>
    public static int ClosedNonReaders(string output) =>
        Occurrences(output, "send queue overflow") + Occurrences(output, "write timeout");

    /// <summary>Connects a client per round, runs <paramref name="misbehave"/>, then records what the Gateway answered.</summary>
    private static async Task<HostileTally> RoundsAsync(string behaviour, GatewayProcess gateway, CancellationToken stop, Func<GatewayClient, int, Task> misbehave)
    {
        var tally = new HostileTally(behaviour);
        for (var round = 0; !stop.IsCancellationRequested; round++)
        {
            await using var client = await GatewayClient.ConnectAsync(gateway, $"{behaviour}-{round}");
            Interlocked.Increment(ref tally.Rounds);
            await misbehave(client, round);
            if (!stop.IsCancellationRequested || client.Ended)
            {
                await client.WaitUntilClosedAsync(CloseTimeout);
                tally.Closes.Enqueue($"{(int?)client.CloseStatus} {client.CloseDescription}");
            }

            foreach (var frame in client.Frames)
            {
                tally.Count(GatewayClient.Is(frame, "error") ? (string?)frame["code"] ?? "(no code)" : (string?)frame["type"] ?? "(no type)");
            }

            await PauseAsync(TimeSpan.FromMilliseconds(100), stop);
        }

        return tally;
    }

    private static Task<bool> TrySendAsync(GatewayClient client, object frame) => TrySendAsync(client, () => client.SendAsync(frame));

    /// <summary>Sends, or says the Gateway closed the connection meanwhile (what most rounds end with).</summary>
    private static async Task<bool> TrySendAsync(GatewayClient client, Func<Task> send)
    {
        try
        {
            await send();
            return true;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or TimeoutException)
        {
            return false;
        }
    }

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

    private static async Task PauseAsync(TimeSpan pause, CancellationToken stop)
    {
        try
        {
            await Task.Delay(pause, stop);
        }
        catch (OperationCanceledException)
        {
            // Stopped: the caller's loop ends.
        }
    }

    private static int Occurrences(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}

/// <summary>A stream that only counts what is written to it.</summary>
internal sealed class CountingStream : Stream
{
    private long _length;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => _length += count;

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _length += buffer.Length;
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>What one hostile behaviour did and what the Gateway answered it with.</summary>
internal sealed class HostileTally(string behaviour)
{
    public int Rounds;

    /// <summary>Bytes of answers read (history pages).</summary>
    public long BytesRead;

    public string Behaviour => behaviour;

    /// <summary>Gets the number of answers of each kind: error codes, other frame types, or HTTP outcomes.</summary>
    public ConcurrentDictionary<string, int> Answers { get; } = new();

    /// <summary>Gets how each round's connection ended: close status and reason.</summary>
    public ConcurrentQueue<string> Closes { get; } = new();

    public void Count(string answer) => Answers.AddOrUpdate(answer, 1, (_, n) => n + 1);

    public override string ToString() =>
        $"{Behaviour}: {Rounds} rounds, {BytesRead / (1024 * 1024)} MiB read, answers [{string.Join(", ", Answers.Select(a => $"{a.Key} ×{a.Value}"))}], " +
        $"closes [{string.Join(", ", Closes.GroupBy(c => c).Select(g => $"{g.Key} ×{g.Count()}"))}]";
}
