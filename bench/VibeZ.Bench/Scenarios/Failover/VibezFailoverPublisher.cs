using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using VibeZ.Bench.Load;
using VibeZ.Bench.Systems.Vibez;
using VibeZ.Testing.Gateway;

namespace VibeZ.Bench.Scenarios.Failover;

/// <summary>
/// Publishes over one Gateway WebSocket as the protocol asks a client to (docs/gateway/protocol.md): every message has an id of
/// its own, and a message answered with a retryable error is sent again, after a short pause, with the same id and the
/// same data, so the Gateway's dedupe makes the resend the same message. Sends one at a time (a WebSocket allows one
/// writer); acks and errors are matched to messages by id.
/// </summary>
internal sealed class VibezFailoverPublisher : IFailoverPublisher
{
    private readonly VibezConnection _connection;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly ConcurrentDictionary<long, byte[]> _pending = new();
    private readonly PublishLedger _ledger;
    private readonly string _channel;
    private readonly string _idPrefix = Guid.NewGuid().ToString("N") + "-";
    private readonly CancellationToken _stop;

    private VibezFailoverPublisher(string channel, PublishLedger ledger, CancellationToken stop)
    {
        _channel = channel;
        _ledger = ledger;
        _stop = stop;
        _connection = new VibezConnection { OnReply = Reply };
    }

    public string? Ended => _connection.Ended;

    public static async Task<VibezFailoverPublisher> ConnectAsync(Uri address, string channel, PublishLedger ledger, CancellationToken stop, CancellationToken cancellationToken)
    {
        var publisher = new VibezFailoverPublisher(channel, ledger, stop);
        await publisher._connection.ConnectAsync(address, GatewayTokens.Mint(), cancellationToken);
        return publisher;
    }

    public void Publish(long sequence, long intendedMicros)
    {
        var payload = new byte[FailoverSettings.MessageBytes];
        Payload.WriteTemplate(payload);
        Payload.Write(payload, intendedMicros, sequence, step: 0, publisher: 0);
        var frame = Encoding.UTF8.GetBytes($"{{\"type\":\"publish\",\"channel\":\"{_channel}\",\"id\":\"{_idPrefix}{sequence}\",\"data\":{Encoding.ASCII.GetString(payload)}}}");
        _pending[sequence] = frame;
        _ledger.Sent(sequence, BenchClock.NowMicros);
        _ = SendAsync(frame);
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        _sending.Dispose();
    }

    private async Task SendAsync(byte[] frame)
    {
        try
        {
            await _sending.WaitAsync(_stop);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            await _connection.SendAsync(frame, CancellationToken.None);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
        {
            _ledger.Error("send failed: " + ex.GetType().Name);
        }
        finally
        {
            _sending.Release();
        }
    }

    private void Reply(ReadOnlySpan<byte> frame)
    {
        var reader = new Utf8JsonReader(frame);
        string? type = null;
        string? id = null;
        string? code = null;
        var retryable = false;
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
            {
                continue;
            }

            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "type":
                    type = reader.GetString();
                    break;
                case "id":
                    id = reader.GetString();
                    break;
                case "code":
                    code = reader.GetString();
                    break;
                case "retryable":
                    retryable = reader.TokenType == JsonTokenType.True;
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (id is null || !id.StartsWith(_idPrefix, StringComparison.Ordinal)
            || !Utf8Parser.TryParse(Encoding.ASCII.GetBytes(id[_idPrefix.Length..]), out long sequence, out _))
        {
            _ledger.Error(code ?? "reply without a known id");
            return;
        }

        if (type == "ack")
        {
            _pending.TryRemove(sequence, out _);
            _ledger.Acked(sequence, BenchClock.NowMicros);
            return;
        }

        _ledger.Error(code ?? "error");
        if (!retryable && _pending.TryRemove(sequence, out _))
        {
            _ledger.Failed(sequence);
        }
        else if (retryable)
        {
            _ = ResendLaterAsync(sequence);
        }
    }

    private async Task ResendLaterAsync(long sequence)
    {
        try
        {
            await Task.Delay(FailoverSettings.ResendBackoff, _stop);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (_pending.TryGetValue(sequence, out var frame))
        {
            _ledger.Sent(sequence, BenchClock.NowMicros);
            await SendAsync(frame);
        }
    }
}
