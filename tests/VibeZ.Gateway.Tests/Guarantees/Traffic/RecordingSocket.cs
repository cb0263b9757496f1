using System.Text.Json.Nodes;
using VibeZ.Gateway.Tests.Guarantees.Observations;

namespace VibeZ.Gateway.Tests.Guarantees.Traffic;

/// <summary>
/// A <see cref="GatewayClient"/> that writes what it sends and sees into a <see cref="History"/>: subscribes,
/// <c>subscribed</c> frames, messages, subscribe errors, and the end of the connection. Publish answers (acks and errors
/// with an id) go to <see cref="PublishAnswered"/>, whose owner knows which attempt they answer.
/// </summary>
internal sealed class RecordingSocket : IAsyncDisposable
{
    private readonly History _history;
    private readonly GatewayClient _client;
    private volatile bool _endedByClient;

    private RecordingSocket(History history, GatewayClient client, string name, string connection, string gatewayName)
    {
        _history = history;
        _client = client;
        Client = name;
        Connection = connection;
        GatewayName = gatewayName;
        client.Received += OnFrame;
        Completion = client.Completion.ContinueWith(_ => OnEnded(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>Raised on the receive loop for an <c>ack</c> or an <c>error</c> with an id.</summary>
    public event Action<JsonObject>? PublishAnswered;

    /// <summary>Raised on the receive loop for every frame, after it was recorded.</summary>
    public event Action<JsonObject>? Received;

    public string Client { get; }

    public string Connection { get; }

    public string GatewayName { get; }

    /// <summary>Gets a task that completes once the connection ended and that was recorded.</summary>
    public Task Completion { get; }

    public bool Ended => Completion.IsCompleted;

    public static async Task<RecordingSocket> ConnectAsync(History history, string client, string connection, GatewayProcess gateway, string gatewayName, TimeSpan timeout)
    {
        var socket = await GatewayClient.ConnectAsync(gateway, connection, timeout);
        return new RecordingSocket(history, socket, client, connection, gatewayName);
    }

    public async Task SubscribeAsync(string channel, Position? since)
    {
        _history.Add(new Observation.SubscribeSent(_history.Now, Client, Connection, GatewayName, channel, since));
        await _client.SendAsync(since is { } from
            ? new { type = "subscribe", channel, since = new { offset = from.Offset, epoch = from.Epoch } }
            : new { type = "subscribe", channel });
    }

    /// <summary>Sends a publish frame; the caller recorded the <see cref="Observation.Sent"/> first, so no answer can precede it.</summary>
    public Task PublishAsync(string channel, string id, string data) =>
        _client.SendAsync(new { type = "publish", channel, id, data = JsonNode.Parse(data) });

    /// <summary>Drops the connection on purpose (a client about to resume elsewhere).</summary>
    public void Abort()
    {
        _endedByClient = true;
        _client.Abort();
    }

    public async ValueTask DisposeAsync()
    {
        _endedByClient = true;
        await _client.DisposeAsync();
        await Completion;
    }

    private void OnFrame(JsonObject frame)
    {
        var at = _history.Now;
        var channel = (string?)frame["channel"];
        switch ((string?)frame["type"])
        {
            case "message":
                _history.Add(new Observation.Delivered(at, Client, Connection, channel!, PositionOf(frame), (string)frame["id"]!, frame["data"]?.ToJsonString() ?? "null"));
                break;
            case "subscribed":
                _history.Add(new Observation.Subscribed(at, Client, Connection, channel!, PositionOf(frame), (bool)frame["recovered"]!, (string?)frame["node"] ?? ""));
                break;
            case "ack":
                PublishAnswered?.Invoke(frame);
                break;
            case "error" when frame["id"] is not null:
                PublishAnswered?.Invoke(frame);
                break;
            case "error":
                _history.Add(new Observation.Errored(at, Client, Connection, channel, null, 0, (string?)frame["code"] ?? "?", (bool?)frame["retryable"] ?? false));
                break;
        }

        Received?.Invoke(frame);
    }

    private void OnEnded()
    {
        var reason = _endedByClient ? "the client dropped the connection" : $"ended by the other side ({_client.CloseStatus?.ToString() ?? "no close frame"} {_client.CloseDescription})";
        _history.Add(new Observation.Closed(_history.Now, Client, Connection, _endedByClient, reason));
    }

    public static Position PositionOf(JsonObject frame) => new((string)frame["epoch"]!, (long)frame["offset"]!);
}
