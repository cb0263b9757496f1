using System.Diagnostics;
using System.Text.Json.Nodes;
using VibeZ.Gateway.Tests.Guarantees.Observations;

namespace VibeZ.Gateway.Tests.Guarantees.Traffic;

/// <summary>
/// A client subscribed to every channel on one connection. It remembers the last position it saw per channel; when its
/// connection is lost, or on <see cref="ResumeElsewhereAsync"/>, it connects to another Gateway and subscribes with
/// <c>since</c> that position. A subscribe that fails or hangs is tried again, on another Gateway if it hangs.
/// </summary>
internal sealed class TrafficSubscriber(string name, History history, GatewaySet gateways, int home, IReadOnlyList<string> channels) : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan SubscribeTimeout = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan ResubscribeDelay = TimeSpan.FromMilliseconds(500);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Position> _last = [];
    private readonly Dictionary<string, TimeSpan> _waiting = [];
    private readonly Dictionary<string, TimeSpan> _resubscribe = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _move = new(1, 1);
    private RecordingSocket? _socket;
    private Task _watch = Task.CompletedTask;
    private int _gateway = home;
    private int _connections;
    private bool _moving;

    public string Name => name;

    /// <summary>Connects to its home Gateway and subscribes to every channel; throws when that does not work.</summary>
    public async Task StartAsync()
    {
        await ConnectAsync(_gateway, resume: false);
        await TestWait.Until(
            () => Task.FromResult((Waiting == 0, $"{Waiting} of {channels.Count} subscribes unanswered")),
            $"{name} to be subscribed to {string.Join(", ", channels)} on Gateway {GatewaySet.Name(_gateway)}");
        _watch = Task.Run(WatchAsync);
    }

    /// <summary>Drops the connection on purpose, stays away for <paramref name="away"/>, then resumes on another Gateway.</summary>
    public async Task ResumeElsewhereAsync(TimeSpan away)
    {
        await _move.WaitAsync(CancellationToken.None);
        try
        {
            lock (_lock)
            {
                _moving = true;
            }

            _socket?.Abort();
            await Task.Delay(away, CancellationToken.None);
            await MoveAsync(_gateway + 1);
        }
        finally
        {
            _move.Release();
        }
    }

    /// <summary>Gets where this subscriber stands on each channel, and whether it is connected and subscribed to all.</summary>
    public (IReadOnlyDictionary<string, Position> Positions, bool Subscribed) State
    {
        get
        {
            lock (_lock)
            {
                return (new Dictionary<string, Position>(_last), _socket is { Ended: false } && _waiting.Count == 0 && !_moving);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watch;
        if (_socket is not null)
        {
            await _socket.DisposeAsync();
        }
    }

    private int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>Reconnects a lost connection, retries failed subscribes, and moves off a Gateway whose subscribe hangs.</summary>
    private async Task WatchAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            await Task.Delay(200, CancellationToken.None);
            bool lost, hung;
            List<string> again;
            lock (_lock)
            {
                var now = history.Now;
                lost = !_moving && _socket is { Ended: true };
                hung = !_moving && _waiting.Values.Any(since => now - since > SubscribeTimeout);
                again = _moving ? [] : [.. _resubscribe.Where(r => r.Value <= now).Select(r => r.Key)];
                again.ForEach(channel => _resubscribe.Remove(channel));
            }

            // A move under way (a resume) owns the connection; the next round looks again.
            if ((lost || hung) && await _move.WaitAsync(0, CancellationToken.None))
            {
                try
                {
                    _socket?.Abort();
                    await MoveAsync(_gateway + 1);
                }
                finally
                {
                    _move.Release();
                }

                continue;
            }

            foreach (var channel in again)
            {
                await SubscribeAsync(_socket!, channel);
            }
        }
    }

    /// <summary>Connects to the first live Gateway from <paramref name="first"/> on that answers, and resumes every channel.</summary>
    private async Task MoveAsync(int first)
    {
        var clock = Stopwatch.StartNew();
        while (!_stop.IsCancellationRequested && clock.Elapsed < TestWait.Timeout)
        {
            foreach (var index in gateways.From(first % gateways.Count))
            {
                if (await TryConnectAsync(index))
                {
                    return;
                }
            }

            await Task.Delay(200, CancellationToken.None);
        }
    }

    private async Task<bool> TryConnectAsync(int index)
    {
        try
        {
            await ConnectAsync(index, resume: true);
            return true;
        }
        catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or TimeoutException or OperationCanceledException)
        {
            return false;
        }
    }

    private async Task ConnectAsync(int index, bool resume)
    {
        var connection = $"{name}#{++_connections}";
        var socket = await RecordingSocket.ConnectAsync(history, name, connection, gateways[index], GatewaySet.Name(index), ConnectTimeout);
        socket.Received += frame => OnFrame(socket, frame);
        lock (_lock)
        {
            (_socket, _gateway, _moving) = (socket, index, false);
            _waiting.Clear();
            _resubscribe.Clear();
        }

        foreach (var channel in channels)
        {
            await SubscribeAsync(socket, channel, resume);
        }
    }

    private async Task SubscribeAsync(RecordingSocket socket, string channel, bool resume = true)
    {
        Position? since;
        lock (_lock)
        {
            since = resume && _last.TryGetValue(channel, out var last) ? last : null;
            _waiting[channel] = history.Now;
        }

        try
        {
            await socket.SubscribeAsync(channel, since);
        }
        catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or TimeoutException or ObjectDisposedException or OperationCanceledException)
        {
            // The connection broke: the watch loop notices and moves on.
        }
    }

    private void OnFrame(RecordingSocket socket, JsonObject frame)
    {
        var channel = (string?)frame["channel"];
        lock (_lock)
        {
            if (!ReferenceEquals(socket, _socket) || channel is null)
            {
                return;
            }

            switch ((string?)frame["type"])
            {
                case "message":
                    _last[channel] = RecordingSocket.PositionOf(frame);
                    break;
                case "subscribed":
                    _last[channel] = RecordingSocket.PositionOf(frame);
                    _waiting.Remove(channel);
                    break;
                case "error" when frame["id"] is null:
                    _waiting.Remove(channel);
                    _resubscribe[channel] = history.Now + ResubscribeDelay;
                    break;
            }
        }
    }
}
