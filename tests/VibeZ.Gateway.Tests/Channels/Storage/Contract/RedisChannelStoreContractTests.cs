using VibeZ.Channels.Storage;

namespace VibeZ.Gateway.Tests.Channels.Storage.Contract;

/// <summary>The channel store contract on <see cref="RedisChannelStore"/> and a real redis-server: the truth the fake is held to.</summary>
[Trait("Category", "Integration")]
public sealed class RedisChannelStoreContractTests(RedisChannelStoreFixture redis) : ChannelStoreContractTests, IClassFixture<RedisChannelStoreFixture>
{
    protected override IChannelStore Store => redis.Store;
}
