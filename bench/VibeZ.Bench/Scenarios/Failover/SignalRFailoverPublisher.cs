using Microsoft.AspNetCore.SignalR.Client;
using VibeZ.Bench.Load;
using VibeZ.Bench.Systems.SignalR;

namespace VibeZ.Bench.Scenarios.Failover;

/// <summary>
/// Publishes by invoking the hub's <c>Publish</c>; an invocation that completes is the ack. One that fails is invoked
/// again after a short pause with the same payload, as an application would: SignalR has no message id, so a resend
/// after a failure that had in fact reached Redis is a duplicate, which the subscribers count.
/// </summary>
internal sealed class SignalRFailoverPublisher : IFailoverPublisher
{
    private readonly HubConnection _connection;
    private readonly string _channel;
    private readonly PublishLedger _ledger;
    private readonly CancellationToken _stop;

    private SignalRFailoverPublisher(HubConnection connection, string channel, PublishLedger ledger, CancellationToken stop)
    {
        _connection = connection;
        _channel = channel;
        _ledger = ledger;
        _stop = stop;
        _connection.Closed += error =>
        {
            Ended = "closed: " + (error?.Message ?? "by the server");
            return Task.CompletedTask;
        };
    }

    public string? Ended { get; private set; }

    public static async Task<SignalRFailoverPublisher> ConnectAsync(Uri hub, string channel, PublishLedger ledger, CancellationToken stop, CancellationToken cancellationToken) =>
        new(await SignalRConnections.ConnectAsync(hub, cancellationToken), channel, ledger, stop);

    public void Publish(long sequence, long intendedMicros)
    {
        var payload = new byte[FailoverSettings.MessageBytes];
        Payload.WriteTemplate(payload);
        Payload.Write(payload, intendedMicros, sequence, step: 0, publisher: 0);
        _ = InvokeAsync(sequence, System.Text.Encoding.ASCII.GetString(payload));
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private async Task InvokeAsync(long sequence, string payload)
    {
        while (true)
        {
            _ledger.Sent(sequence, BenchClock.NowMicros);
            try
            {
                await _connection.InvokeAsync(SignalRConnections.Publish, _channel, payload, _stop);
                _ledger.Acked(sequence, BenchClock.NowMicros);
                return;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _ledger.Error(ex.GetType().Name);
            }

            try
            {
                await Task.Delay(FailoverSettings.ResendBackoff, _stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
