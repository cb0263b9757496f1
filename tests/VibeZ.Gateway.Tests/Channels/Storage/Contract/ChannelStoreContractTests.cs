using System.Text;
using VibeZ.Channels.Publishing;
using VibeZ.Channels.Storage;

namespace VibeZ.Gateway.Tests.Channels.Storage.Contract;

/// <summary>
/// What every <see cref="IChannelStore"/> must do, written against the interface alone and run against each store: the
/// real one on a real redis-server (<see cref="RedisChannelStoreContractTests"/>) and the fake the unit tests use
/// (<see cref="FakeChannelStoreContractTests"/>), so the fake cannot drift from what Redis does. Each test uses
/// channels of its own, so one store may serve a whole class.
/// </summary>
/// <remarks>
/// Against a single server the real store commits at append time (there is no replica to wait for), so nothing here
/// states that an appended message stays invisible until <see cref="IChannelStore.CommitAsync"/>; every publish is an
/// append followed by its commit, as the publisher does it.
/// </remarks>
public abstract partial class ChannelStoreContractTests
{
    /// <summary>Gets the store under test.</summary>
    protected abstract IChannelStore Store { get; }

    /// <summary>Where a reader without history starts: no epoch, offset 0.</summary>
    private static readonly ChannelMark Origin = new(new ChannelPosition(string.Empty, 0), null);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>A channel no other test uses.</summary>
    private static string NewChannel() => "contract-" + Guid.NewGuid().ToString("N");

    private static PublishRequest Message(string channel, string id, string data = "{\"n\":1}", string scope = "alice") => new(channel, scope, id, data);

    /// <summary>Appends <paramref name="batch"/> and commits it, as the publisher does, and requires the commit to hold.</summary>
    private async Task<AppendedBatch> PublishAsync(string channel, params PublishRequest[] batch)
    {
        var appended = await Store.AppendAsync(channel, batch, known: null, Cancel);
        Assert.True(await Store.CommitAsync(appended, Cancel), $"The commit of offsets [{string.Join(", ", appended.Offsets)}] of {channel} asked to append again.");
        return appended;
    }

    private Task<ChannelHistory> ReadAllAsync(string channel) => Store.ReadAsync(channel, Origin, limit: 1000, Cancel);

    private static string Text(ChannelMessage message) => Encoding.UTF8.GetString(message.Frame.Span);

    private static long[] Offsets(ChannelHistory history) => [.. history.Messages.Select(m => m.Offset)];
}
