using VibeZ.Gateway.Security.Grants;

namespace VibeZ.Gateway.Tests.Security.Grants;

public sealed class ChannelGrantTests
{
    [Theory]
    [InlineData("room-*", "room-1", true)]
    [InlineData("room-*", "room-", true)]
    [InlineData("room-*", "room", false)]
    [InlineData("room-*", "lobby-room-1", false)]
    [InlineData("*", "anything.at:all", true)]
    [InlineData("room-1", "room-1", true)]
    [InlineData("room-1", "room-10", false)]
    [InlineData("*-eu", "orders-eu", true)]
    [InlineData("*-eu", "orders-us", false)]
    [InlineData("a*b*c", "aXXbYYc", true)]
    [InlineData("a*b*c", "aXXbYY", false)]
    [InlineData("Room-*", "room-1", false)]
    public void APatternMatchesWithStarsStandingForAnyRunOfCharacters(string pattern, string channel, bool allowed)
    {
        Assert.Equal(allowed, ChannelGrant.From([pattern]).Allows(channel));
    }

    [Fact]
    public void OneClaimValueMayHoldSeveralSpaceSeparatedPatternsAndAnArraySeveralValues()
    {
        var grant = ChannelGrant.From(["room-* lobby", "news"]);

        Assert.True(grant.Allows("room-7"));
        Assert.True(grant.Allows("lobby"));
        Assert.True(grant.Allows("news"));
        Assert.False(grant.Allows("admin"));
        Assert.Equal(["room-*", "lobby", "news"], grant.Patterns);
    }

    [Fact]
    public void NoClaimGrantsNothing()
    {
        Assert.False(ChannelGrant.From([]).Allows("room-1"));
        Assert.False(ChannelGrant.From(["", "  "]).Allows("room-1"));
    }

    [Fact]
    public void AMatchAgainstAPathologicalPatternStaysFast()
    {
        var grant = ChannelGrant.From([string.Concat(Enumerable.Repeat("a*", 60)) + "b"]);
        var channel = new string('a', 128);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        Assert.False(grant.Allows(channel));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"matching took {clock.Elapsed}");
    }
}
