using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using VibeZ.Channels.Delivery;
using VibeZ.Gateway.Tests.Channels.Storage;

namespace VibeZ.Gateway.Tests.Channels.Delivery;

/// <summary>A <see cref="ChannelHub"/> over a <see cref="FakeChannelStore"/>, with fake time and a fake logger.</summary>
internal sealed class ChannelHubHarness : IAsyncDisposable
{
    public const string Channel = "room-1";

    public ChannelHubHarness(Action<GatewayOptions>? configure = null)
    {
        configure?.Invoke(Options);
        Hub = new ChannelHub(Store, new GatewayNode(), Microsoft.Extensions.Options.Options.Create(Options), Time, Logger);
    }

    public FakeChannelStore Store { get; } = new();

    public FakeTimeProvider Time { get; } = new();

    public FakeLogger<ChannelHub> Logger { get; } = new();

    public GatewayOptions Options { get; } = new();

    public ChannelHub Hub { get; }

    /// <summary>Joins a new subscriber to <see cref="Channel"/> and returns it once its <c>subscribed</c> frame was sent.</summary>
    public async Task<FakeSubscriber> JoinAsync(string name, ChannelPosition? since = null, int capacity = int.MaxValue)
    {
        var subscriber = new FakeSubscriber(name, capacity);
        await TestWait.For(Hub.JoinAsync(Channel, subscriber, since, TestContext.Current.CancellationToken), $"{name} to join {Channel}");
        return subscriber;
    }

    public Task LeaveAsync(FakeSubscriber subscriber) =>
        TestWait.For(Hub.LeaveAsync(Channel, subscriber), $"{subscriber.Name} to leave {Channel}");

    /// <summary>Gets the names of the events logged so far.</summary>
    public IReadOnlyList<string?> LoggedEvents => [.. Logger.Collector.GetSnapshot().Select(r => r.Id.Name)];

    public async ValueTask DisposeAsync() => await TestWait.For(Hub.DisposeAsync().AsTask(), "the hub to close its channels");
}
