namespace VibeZ.Redis.Connection;

/// <summary>Holds the state the connection observers (<see cref="IRedisConnectionObserver"/>) last reported and tells subscribers about changes.</summary>
internal sealed class RedisConnectionState(TimeProvider timeProvider) : IRedisConnectionState
{
    private readonly Lock _lock = new();
    private RedisConnectionStateChange _current = new(RedisConnectionStatus.Connected, null, "Redis connected", timeProvider.GetUtcNow());

    public RedisConnectionStateChange Current
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
    }

    public event Action<RedisConnectionStateChange>? Changed;

    /// <summary>Records <paramref name="status"/>; raises <see cref="Changed"/> only when the status differs from the last one.</summary>
    public void Report(RedisConnectionStatus status, string? endPoint, string detail)
    {
        RedisConnectionStateChange change;
        lock (_lock)
        {
            if (_current.Status == status)
            {
                return;
            }

            // A failover is only over when a new master takes writes, not when some other connection comes back.
            if (_current.Status == RedisConnectionStatus.Failover && status == RedisConnectionStatus.Reconnecting)
            {
                return;
            }

            change = _current = new RedisConnectionStateChange(status, endPoint, detail, timeProvider.GetUtcNow());
        }

        Changed?.Invoke(change);
    }

    /// <summary>Ends a failover only: a restored connection elsewhere must not hide a master still being replaced.</summary>
    public void ReportRestored(string endPoint) => ReportRestored(endPoint, $"Redis connected to {endPoint}");

    /// <inheritdoc cref="ReportRestored(string)"/>
    public void ReportRestored(string endPoint, string detail)
    {
        if (Current.Status != RedisConnectionStatus.Failover)
        {
            Report(RedisConnectionStatus.Connected, endPoint, detail);
        }
    }
}
