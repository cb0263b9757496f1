using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using VibeZ.AppHost.Tests.Infrastructure;

namespace VibeZ.AppHost.Tests.Integration;

/// <summary>A real WebSocket client of one Gateway's <c>/ws</c>, speaking its JSON frames, that remembers what it received.</summary>
internal sealed class GatewaySocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly List<string> _received = [];
    private readonly string _name;

    private GatewaySocket(string name) => _name = name;

    /// <summary>Connects to <paramref name="uri"/> with <paramref name="token"/> as its bearer token, or says after <see cref="TestTimeouts.Request"/> that it could not.</summary>
    public static async Task<GatewaySocket> ConnectAsync(Uri uri, string name, string token)
    {
        var socket = new GatewaySocket(name);
        socket._socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        try
        {
            await TestWait.For(socket._socket.ConnectAsync(uri, TestContext.Current.CancellationToken), TestTimeouts.Request, $"{name} to connect to {uri}");
            return socket;
        }
        catch
        {
            await socket.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends one frame, serialized as JSON.</summary>
    public Task SendAsync(object frame) =>
        TestWait.For(
            _socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(frame), WebSocketMessageType.Text, endOfMessage: true, TestContext.Current.CancellationToken),
            TestTimeouts.Request, $"{_name} to send {JsonSerializer.Serialize(frame)}");

    /// <summary>Reads frames until one matches; says what it waited for and every frame it saw when it gives up.</summary>
    public Task<JsonElement> ReceiveAsync(Func<JsonElement, bool> match, string what) =>
        TestWait.For(ReceiveMatchingAsync(match), TestTimeouts.Request, $"{_name} to receive {what}", () => Received);

    public async ValueTask DisposeAsync()
    {
        if (_socket.State is WebSocketState.Open)
        {
            // Only says goodbye, without waiting for the answer: a receive may still be pending after a timeout, and
            // an exception here would hide the one that says what the test waited for.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "test done", timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or InvalidOperationException)
            {
                // The test is over; a Gateway that does not close politely is not what it was about.
            }
        }

        _socket.Dispose();
    }

    private string Received
    {
        get
        {
            lock (_received)
            {
                return _received.Count == 0 ? "no frames" : string.Join(", ", _received);
            }
        }
    }

    private async Task<JsonElement> ReceiveMatchingAsync(Func<JsonElement, bool> match)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            using var frame = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await _socket.ReceiveAsync(buffer, TestContext.Current.CancellationToken);
                frame.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            if (result.MessageType is WebSocketMessageType.Close)
            {
                throw new WebSocketException($"the Gateway closed {_name}: {result.CloseStatus} {result.CloseStatusDescription}. Saw: {Received}");
            }

            var text = Encoding.UTF8.GetString(frame.GetBuffer(), 0, (int)frame.Length);
            lock (_received)
            {
                _received.Add(text);
            }

            using var document = JsonDocument.Parse(text);
            var element = document.RootElement.Clone();
            if (match(element))
            {
                return element;
            }
        }
    }
}
