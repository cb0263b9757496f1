using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace VibeZ.Worker.Canary;

/// <summary>
/// One canary round: subscribe on one Gateway, publish on another, and time the message's way through Redis between them.
/// Fresh sockets every round, so a round proves the whole path a new client takes (upgrade, token, subscribe, fan-out),
/// not only an old subscription that might be the one thing still working.
/// </summary>
internal sealed class CanaryProbe(TimeProvider timeProvider)
{
    /// <summary>Runs one round.</summary>
    /// <returns>The time from sending the publish to receiving it on the other Gateway.</returns>
    /// <exception cref="CanaryFailedException">A step failed; the message names the step and what was seen.</exception>
    public async Task<TimeSpan> RunAsync(Uri publishVia, Uri receiveVia, string channel, string token, CancellationToken cancellationToken)
    {
        using var subscriber = await ConnectAsync(receiveVia, token, "subscriber", cancellationToken);
        await SendAsync(subscriber, new { type = "subscribe", channel }, cancellationToken);
        await ReceiveUntilAsync(subscriber, frame => Is(frame, "subscribed", channel), $"'subscribed' to {channel} from {receiveVia}", cancellationToken);

        using var publisher = await ConnectAsync(publishVia, token, "publisher", cancellationToken);
        var id = Guid.NewGuid().ToString("N");
        var started = timeProvider.GetTimestamp();
        await SendAsync(publisher, new { type = "publish", channel, id, data = new { canary = id } }, cancellationToken);
        await ReceiveUntilAsync(
            subscriber,
            frame => Is(frame, "message", channel) && frame.TryGetProperty("id", out var got) && got.GetString() == id,
            $"message {id} published via {publishVia} to arrive via {receiveVia}",
            cancellationToken);
        return timeProvider.GetElapsedTime(started);
    }

    private static bool Is(JsonElement frame, string type, string channel) =>
        frame.TryGetProperty("type", out var t) && t.GetString() == type
        && frame.TryGetProperty("channel", out var c) && c.GetString() == channel;

    private static async Task<ClientWebSocket> ConnectAsync(Uri address, string token, string role, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        try
        {
            await socket.ConnectAsync(address, cancellationToken);
            return socket;
        }
        catch (WebSocketException ex)
        {
            socket.Dispose();
            throw new CanaryFailedException($"the {role} could not connect to {address}: {ex.Message}", ex);
        }
    }

    private static Task SendAsync(ClientWebSocket socket, object frame, CancellationToken cancellationToken) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(frame), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    private static async Task ReceiveUntilAsync(
        ClientWebSocket socket, Func<JsonElement, bool> wanted, string what, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var seen = new List<string>();
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            try
            {
                do
                {
                    result = await socket.ReceiveAsync(buffer, cancellationToken);
                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);
            }
            catch (OperationCanceledException ex)
            {
                throw new CanaryFailedException($"gave up waiting for {what}; frames seen: [{string.Join(", ", seen)}]", ex);
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new CanaryFailedException(
                    $"socket closed ({socket.CloseStatus} {socket.CloseStatusDescription}) while waiting for {what}; frames seen: [{string.Join(", ", seen)}]");
            }

            var text = Encoding.UTF8.GetString(message.ToArray());
            seen.Add(text.Length > 200 ? text[..200] : text);
            using var frame = JsonDocument.Parse(text);
            if (wanted(frame.RootElement))
            {
                return;
            }
        }
    }
}
