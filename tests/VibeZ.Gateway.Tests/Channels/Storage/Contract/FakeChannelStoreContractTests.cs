using VibeZ.Channels.Storage;

namespace VibeZ.Gateway.Tests.Channels.Storage.Contract;

/// <summary>The channel store contract on the fake the unit tests use, so it behaves as Redis does.</summary>
public sealed class FakeChannelStoreContractTests : ChannelStoreContractTests
{
    protected override IChannelStore Store { get; } = new FakeChannelStore();
}
