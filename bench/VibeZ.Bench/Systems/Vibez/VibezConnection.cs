using System.Text.Json;
using VibeZ.Testing.Gateway;

namespace VibeZ.Bench.Systems.Vibez;

/// <summary>
/// One WebSocket to a Gateway, read through a <see cref="FrameSocket"/>: only the frame's <c>type</c> and, for a
/// message, the span of its <c>data</c> are looked at, so reading costs no allocation per frame.
/// </summary>
internal sealed class VibezConnection : IAsyncDisposable
{
    private readonly FrameSocket _socket;
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public VibezConnection() =>
        _socket = new FrameSocket("Gateway", Handle, why => _subscribed.TrySetException(new InvalidOperationException(why)));

    /// <summary>Called with the <c>data</c> of every <c>message</c> frame, on the receive loop.</summary>
    public Action<ReadOnlySpan<byte>>? OnMessage { get; init; }

    /// <summary>Called for every <c>ack</c>, on the receive loop.</summary>
    public Action? OnAck { get; init; }

    /// <summary>Called with the code of every <c>error</c> frame, on the receive loop.</summary>
    public Action<string>? OnError { get; init; }

    /// <summary>Called with the whole frame of every <c>ack</c> and <c>error</c>, on the receive loop, for clients that track each publish by id.</summary>
    public Action<ReadOnlySpan<byte>>? OnReply { get; init; }

    /// <summary>Gets why the connection ended, once it did.</summary>
    public string? Ended => _socket.Ended;

    /// <summary>
    /// Connects to <paramref name="address"/> with a freshly minted token and subscribes to <paramref name="channel"/>,
    /// calling <paramref name="onMessage"/> for every message; the connection is closed again if either step fails.
    /// </summary>
    public static async Task<VibezConnection> OpenSubscribedAsync(Uri address, string channel, Action<ReadOnlySpan<byte>> onMessage, CancellationToken cancellationToken)
    {
        var connection = new VibezConnection { OnMessage = onMessage };
        try
        {
            await connection.ConnectAsync(address, GatewayTokens.Mint(), cancellationToken);
            await connection.SubscribeAsync(channel, cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Connects with <paramref name="token"/> as the upgrade's bearer token, as a backend or app client would.</summary>
    public async Task ConnectAsync(Uri address, string token, CancellationToken cancellationToken)
    {
        _socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        await _socket.ConnectAsync(address, cancellationToken);
    }

    /// <summary>Subscribes and waits for the Gateway's <c>subscribed</c> frame.</summary>
    public async Task SubscribeAsync(string channel, CancellationToken cancellationToken)
    {
        await SendAsync(JsonSerializer.SerializeToUtf8Bytes(new { type = "subscribe", channel }), cancellationToken);
        await _subscribed.Task.WaitAsync(cancellationToken);
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken) =>
        _socket.SendAsync(frame, cancellationToken);

    public ValueTask DisposeAsync() => _socket.DisposeAsync();

    private void Handle(ReadOnlySpan<byte> frame)
    {
        // Every Gateway frame starts with its type (the publish script and ServerFrames both write it first).
        var reader = new Utf8JsonReader(frame);
        if (!reader.Read() || !reader.Read() || !reader.ValueTextEquals("type"u8) || !reader.Read())
        {
            return;
        }

        if (reader.ValueTextEquals("message"u8))
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("data"u8) && reader.Read())
                {
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    OnMessage?.Invoke(frame[start..(int)reader.BytesConsumed]);
                    return;
                }
            }
        }
        else if (reader.ValueTextEquals("ack"u8))
        {
            OnAck?.Invoke();
            OnReply?.Invoke(frame);
        }
        else if (reader.ValueTextEquals("subscribed"u8))
        {
            _subscribed.TrySetResult();
        }
        else if (reader.ValueTextEquals("error"u8))
        {
            var code = "error";
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("code"u8) && reader.Read())
                {
                    code = reader.GetString() ?? code;
                    break;
                }
            }

            _subscribed.TrySetException(new InvalidOperationException("The Gateway answered " + code));
            OnError?.Invoke(code);
            OnReply?.Invoke(frame);
        }
    }
}
