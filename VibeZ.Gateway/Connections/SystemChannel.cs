using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using VibeZ.Channels.Delivery;
using VibeZ.Redis.Connection;

namespace VibeZ.Gateway.Connections;

/// <summary>
/// The reserved <c>$system</c> channel: this Gateway's Redis state (<c>connected</c>, <c>reconnecting</c>,
/// <c>failover</c>), sent on subscribe and on every change. It is local to each Gateway: its epoch is the node id
/// and its offset counts this process's state changes.
/// </summary>
internal sealed class SystemChannel : IDisposable
{
    private readonly IRedisConnectionState _state;
    private readonly GatewayNode _node;
    private readonly ConcurrentDictionary<IChannelSubscriber, bool> _subscribers = new();
    private readonly Lock _lock = new();
    private long _offset;

    public SystemChannel(IRedisConnectionState state, GatewayNode node)
    {
        _state = state;
        _node = node;
        _state.Changed += OnChanged;
    }

    public void Join(IChannelSubscriber subscriber)
    {
        lock (_lock)
        {
            var offset = Volatile.Read(ref _offset);
            subscriber.TrySend(ServerFrames.Subscribed(ChannelName.System, new ChannelPosition(_node.Id, offset), recovered: false, _node.Id));
            subscriber.TrySend(Frame(_state.Current, offset));
            _subscribers[subscriber] = true;
        }
    }

    public void Leave(IChannelSubscriber subscriber) => _subscribers.TryRemove(subscriber, out _);

    public void Dispose() => _state.Changed -= OnChanged;

    private void OnChanged(RedisConnectionStateChange change)
    {
        lock (_lock)
        {
            var frame = Frame(change, Interlocked.Increment(ref _offset));
            foreach (var subscriber in _subscribers.Keys)
            {
                subscriber.TrySend(frame);
            }
        }
    }

    private byte[] Frame(RedisConnectionStateChange change, long offset)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "message");
            writer.WriteString("channel", ChannelName.System);
            writer.WriteNumber("offset", offset);
            writer.WriteString("epoch", _node.Id);
            writer.WriteStartObject("data");
            writer.WriteString("state", change.Status switch
            {
                RedisConnectionStatus.Reconnecting => "reconnecting",
                RedisConnectionStatus.Failover => "failover",
                _ => "connected",
            });
            writer.WriteString("endpoint", change.EndPoint);
            writer.WriteString("detail", change.Detail);
            writer.WriteString("at", change.At);
            writer.WriteString("node", _node.Id);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
