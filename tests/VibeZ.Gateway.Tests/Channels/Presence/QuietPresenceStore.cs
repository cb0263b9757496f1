using VibeZ.Channels.Presence;

namespace VibeZ.Gateway.Tests.Channels.Presence;

/// <summary>A presence store that accepts every write and announces nothing: for tests of what the Gateway counts.</summary>
internal sealed class QuietPresenceStore : IPresenceStore
{
    public Task JoinAsync(string channel, PresenceMember member, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task LeaveAsync(string channel, PresenceMember member, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<long> HeartbeatAsync(IReadOnlyCollection<KeyValuePair<string, PresenceMember[]>> members, GatewayAnnouncement announcement, CancellationToken cancellationToken) =>
        Task.FromResult(0L);

    public Task WithdrawAsync(string node, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<PresenceMember>> ReadAsync(string channel, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PresenceMember>>([]);

    public Task<IAsyncDisposable> SubscribeAsync(string channel, Action<byte[]> onFrame, CancellationToken cancellationToken) =>
        Task.FromResult<IAsyncDisposable>(new Nothing());

    public Task<RegistrySweep> RemoveDeadGatewaysAsync(CancellationToken cancellationToken) => Task.FromResult(new RegistrySweep([], 0));

    private sealed class Nothing : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
