using VibeZ.Channels.Storage;
using VibeZ.Channels.Publishing;

namespace VibeZ.Gateway.Tests.Channels.Publishing;

public sealed class PublishRequestTests
{
    [Fact]
    public void TheSameIdOfTwoScopesIsTwoIdentitiesAndTwoDedupeKeys()
    {
        var alice = new PublishRequest("room", "alice", "m-1", "1");
        var mallory = new PublishRequest("room", "mallory", "m-1", "1");

        Assert.NotEqual(alice.Identity, mallory.Identity);
        Assert.NotEqual(ChannelKeys.MessageId("room", alice.Identity), ChannelKeys.MessageId("room", mallory.Identity));
    }

    [Theory]
    [InlineData("a:b", "c", "a", "b:c")]
    [InlineData("", "1:x:y", "1:x", "y")]
    [InlineData("a", "", "", "a")]
    public void NoTwoScopeAndIdPairsShareAnIdentity(string scope1, string id1, string scope2, string id2)
    {
        Assert.NotEqual(new PublishRequest("room", scope1, id1, "1").Identity, new PublishRequest("room", scope2, id2, "1").Identity);
    }

    [Fact]
    public void TheDedupeKeyKeepsTheChannelsHashTag()
    {
        var key = (string)ChannelKeys.MessageId("room-1", new PublishRequest("room-1", "alice", "m{1}", "1").Identity)!;

        Assert.StartsWith("vibez:{room-1}:id:", key);
    }
}
