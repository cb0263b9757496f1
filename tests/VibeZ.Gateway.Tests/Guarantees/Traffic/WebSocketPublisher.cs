using System.Diagnostics;
using System.Text.Json.Nodes;
using VibeZ.Gateway.Tests.Guarantees.Observations;

namespace VibeZ.Gateway.Tests.Guarantees.Traffic;

/// <summary>
/// A client publishing over one WebSocket at a fixed rate, round the channels, without waiting for acks. A retryable
/// error makes it send the same id and data again (up to <see cref="MaxAttempts"/> sends); a lost connection makes it
/// connect to another Gateway and send everything unanswered again. With probes on, it also resends its own acked
/// messages (same data every 40th tick, other data once) to check dedupe.
/// </summary>
internal sealed class WebSocketPublisher(string name, History history, GatewaySet gateways, int home, AckedMessages acked, bool probes) : IAsyncDisposable
{
    public const int MaxAttempts = 4;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Channel, string Id), (OutgoingMessage Message, int Attempt, TimeSpan SentAt)> _pending = [];
    private readonly Dictionary<(string Channel, string Id), int> _attempts = [];
    private readonly List<(TimeSpan Due, OutgoingMessage Message)> _retries = [];
    private readonly Random _random = new(name.GetHashCode(StringComparison.Ordinal));
    private RecordingSocket? _socket;
    private int _gateway = home;
    private int _connections;

    public async Task RunAsync(IReadOnlyList<string> channels, TimeSpan interval, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        for (long tick = 1; !stop.IsCancellationRequested; tick++)
        {
            await ServiceAsync();
            if (_socket is { Ended: false })
            {
                await SendAsync(OutgoingMessage.Create(channels[(int)(tick % channels.Count)], name, tick));
                if (probes && (tick == 30 || tick % 40 == 0) && acked.Pick(_random, name, own: true) is { } old && !IsOutstanding(old))
                {
                    await SendAsync(tick == 30 ? old.Conflicting() : old.Again());
                }
            }

            var wait = interval * tick - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, CancellationToken.None);
            }
        }
    }

    /// <summary>Keeps resending and reconnecting until every publish is answered, or <paramref name="timeout"/>; then records the rest as unanswered.</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout && Outstanding > 0)
        {
            await ServiceAsync();
            await Task.Delay(50, CancellationToken.None);
        }

        lock (_lock)
        {
            foreach (var (message, attempt, _) in _pending.Values)
            {
                history.Add(new Observation.Unanswered(history.Now, name, _socket?.Connection ?? "", message.Channel, message.Id, attempt, $"no answer {timeout.TotalSeconds:0} s after publishing stopped"));
            }

            _pending.Clear();
            _retries.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket is not null)
        {
            await _socket.DisposeAsync();
        }
    }

    private int Outstanding
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count + _retries.Count;
            }
        }
    }

    /// <summary>Whether a send of this id still waits for its answer or its resend: a second one would make the answers ambiguous.</summary>
    private bool IsOutstanding(OutgoingMessage message)
    {
        lock (_lock)
        {
            return _pending.ContainsKey((message.Channel, message.Id)) || _retries.Any(r => r.Message.Channel == message.Channel && r.Message.Id == message.Id);
        }
    }

    /// <summary>Reconnects a lost connection and sends the resends that are due.</summary>
    private async Task ServiceAsync()
    {
        if (_socket is null or { Ended: true })
        {
            await ReconnectAsync();
        }

        List<OutgoingMessage> due;
        lock (_lock)
        {
            var now = history.Now;
            due = [.. _retries.Where(r => r.Due <= now).Select(r => r.Message)];
            _retries.RemoveAll(r => r.Due <= now);
        }

        foreach (var message in due)
        {
            await SendAsync(message);
        }
    }

    private async Task ReconnectAsync()
    {
        var lost = _socket is not null;
        lock (_lock)
        {
            foreach (var (message, attempt, _) in _pending.Values)
            {
                history.Add(new Observation.Unanswered(history.Now, name, _socket!.Connection, message.Channel, message.Id, attempt, "the connection was lost"));
                if (attempt < MaxAttempts)
                {
                    _retries.Add((TimeSpan.Zero, message));
                }
            }

            _pending.Clear();
        }

        // A connection that died moves the client to another Gateway, as a load balancer would.
        foreach (var index in gateways.From(lost ? _gateway + 1 : _gateway))
        {
            try
            {
                var connection = $"{name}#{++_connections}";
                var socket = await RecordingSocket.ConnectAsync(history, name, connection, gateways[index], GatewaySet.Name(index), ConnectTimeout);
                socket.PublishAnswered += frame => OnAnswer(socket, frame);
                (_socket, _gateway) = (socket, index);
                return;
            }
            catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or TimeoutException or OperationCanceledException)
            {
                // That Gateway is down or frozen: try the next.
            }
        }
    }

    private async Task SendAsync(OutgoingMessage message)
    {
        var socket = _socket!;
        int attempt;
        lock (_lock)
        {
            attempt = _attempts[(message.Channel, message.Id)] = _attempts.GetValueOrDefault((message.Channel, message.Id)) + 1;
            _pending[(message.Channel, message.Id)] = (message, attempt, history.Now);
            history.Add(new Observation.Sent(history.Now, name, socket.Connection, socket.GatewayName, "ws", message.Channel, message.Id, message.Data, attempt, message.Probe));
        }

        try
        {
            await socket.PublishAsync(message.Channel, message.Id, message.Data);
        }
        catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or TimeoutException or ObjectDisposedException or OperationCanceledException)
        {
            // The connection broke under the send: the reconnect reports the publish unanswered and sends it again.
            socket.Abort();
        }
    }

    private void OnAnswer(RecordingSocket socket, JsonObject frame)
    {
        var (channel, id) = ((string)frame["channel"]!, (string)frame["id"]!);
        lock (_lock)
        {
            if (!_pending.Remove((channel, id), out var sent))
            {
                // An answer to nothing outstanding (a second answer to one publish): attempt 0 makes the checker say so.
                sent = (new OutgoingMessage(channel, id, "null", PublishProbe.None), 0, TimeSpan.Zero);
            }

            if ((string?)frame["type"] == "ack")
            {
                history.Add(new Observation.Acked(history.Now, name, socket.Connection, channel, id, sent.Attempt, RecordingSocket.PositionOf(frame), null, sent.SentAt));
                if (sent.Message.Probe == PublishProbe.None && sent.Attempt > 0)
                {
                    acked.Add(name, sent.Message);
                }

                return;
            }

            var retryable = (bool?)frame["retryable"] ?? false;
            history.Add(new Observation.Errored(history.Now, name, socket.Connection, channel, id, sent.Attempt, (string?)frame["code"] ?? "?", retryable));
            if (retryable && sent.Attempt is > 0 and < MaxAttempts)
            {
                _retries.Add((history.Now + RetryDelay, sent.Message));
            }
        }
    }
}
