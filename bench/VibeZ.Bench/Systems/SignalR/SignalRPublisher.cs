using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.SignalR.Client;
using VibeZ.Bench.Load;

namespace VibeZ.Bench.Systems.SignalR;

/// <summary>
/// Publishes by invoking the hub's <c>Publish</c>, without waiting for one invocation before the next; an invocation
/// completes when the server has handed the message to the backplane, which is what counts as confirmed.
/// </summary>
internal sealed class SignalRPublisher : IBenchPublisher
{
    private readonly HubConnection _connection;
    private readonly string[] _channels;
    private readonly int _index;
    private readonly byte[] _payload;
    private readonly ConcurrentDictionary<string, long> _errors = new();
    private int _inFlight;

    private SignalRPublisher(HubConnection connection, int index, IReadOnlyList<string> channels, int messageBytes, int credits)
    {
        _connection = connection;
        _index = index;
        _channels = [.. channels];
        Credits = credits;
        _payload = new byte[messageBytes];
        Payload.WriteTemplate(_payload);
        _connection.Closed += error =>
        {
            Ended = "closed: " + (error?.Message ?? "by the server");
            return Task.CompletedTask;
        };
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    public int Credits { get; }

    public IReadOnlyDictionary<string, long> Errors => _errors;

    public string? Ended { get; private set; }

    public static async Task<SignalRPublisher> ConnectAsync(Uri hub, int index, IReadOnlyList<string> channels, int messageBytes, int credits, CancellationToken cancellationToken) =>
        new(await SignalRConnections.ConnectAsync(hub, cancellationToken), index, channels, messageBytes, credits);

    public ValueTask SendAsync(long intendedMicros, long sequence, int step)
    {
        Payload.Write(_payload, intendedMicros, sequence, step, _index);

        // The hub takes a string, so each message needs one: that allocation is the SignalR client's API, not ours.
        var payload = Encoding.ASCII.GetString(_payload);
        Interlocked.Increment(ref _inFlight);
        _ = ConfirmAsync(_connection.InvokeAsync(SignalRConnections.Publish, _channels[sequence % _channels.Length], payload));
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private async Task ConfirmAsync(Task invocation)
    {
        try
        {
            await invocation;
        }
        catch (Exception ex)
        {
            _errors.AddOrUpdate(ex.GetType().Name, 1, static (_, count) => count + 1);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
