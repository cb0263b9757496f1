using Microsoft.AspNetCore.SignalR;

namespace VibeZ.Bench.SignalRPeer;

/// <summary>
/// Channels as SignalR groups: a subscriber joins the group, a publisher sends to it, and the Redis backplane carries
/// the message to the other server's members. The payload is the application's data as a string, passed through as is.
/// </summary>
public sealed class BenchHub : Hub
{
    /// <summary>The client method every delivery calls.</summary>
    public const string MessageMethod = "message";

    public Task Subscribe(string channel) => Groups.AddToGroupAsync(Context.ConnectionId, channel);

    public Task Unsubscribe(string channel) => Groups.RemoveFromGroupAsync(Context.ConnectionId, channel);

    /// <summary>Completes once the backplane has the message, which is what the caller's invocation waits for.</summary>
    public Task Publish(string channel, string payload) => Clients.Group(channel).SendAsync(MessageMethod, payload);
}
