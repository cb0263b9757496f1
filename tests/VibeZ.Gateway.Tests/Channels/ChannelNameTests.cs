namespace VibeZ.Gateway.Tests.Channels;

public sealed class ChannelNameTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("room-1")]
    [InlineData("Team:42_general.v2")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:_.-")]
    public void NamesOfTheAllowedCharactersAreValid(string name)
    {
        Assert.True(ChannelName.TryValidate(name, allowReserved: false, out var error), error);
        Assert.Null(error);
    }

    [Fact]
    public void A128CharacterNameIsValidAnd129IsNot()
    {
        Assert.True(ChannelName.TryValidate(new string('a', 128), allowReserved: false, out _));
        Assert.False(ChannelName.TryValidate(new string('a', 129), allowReserved: false, out var error));
        Assert.Contains("1 to 128 characters", error);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("room 1")]
    [InlineData("room/1")]
    [InlineData("room\\1")]
    [InlineData("room\"1")]
    [InlineData("room*")]
    [InlineData("{room}")]
    [InlineData("räum")]
    [InlineData("room\t1")]
    [InlineData("$other")]
    [InlineData("$System")]
    public void NamesWithOtherCharactersAreInvalid(string name)
    {
        Assert.False(ChannelName.TryValidate(name, allowReserved: true, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData("room-1\n")]
    [InlineData("room-1\r\n")]
    [InlineData("\nroom-1")]
    public void ANameWithALineBreakIsInvalid(string name)
    {
        // A valid name goes into JSON frames and Redis keys as it is; a raw line break would make every message frame
        // of the channel invalid JSON, and "room-1\n" a different channel from "room-1".
        Assert.False(ChannelName.TryValidate(name, allowReserved: true, out _), $"'{name.ReplaceLineEndings("\\n")}' was accepted");
    }

    [Fact]
    public void NullIsInvalid() => Assert.False(ChannelName.TryValidate(null, allowReserved: true, out _));

    [Fact]
    public void SystemIsValidOnlyWhereReservedNamesAreAllowed()
    {
        Assert.True(ChannelName.TryValidate(ChannelName.System, allowReserved: true, out var subscribeError));
        Assert.Null(subscribeError);

        Assert.False(ChannelName.TryValidate(ChannelName.System, allowReserved: false, out var publishError));
        Assert.Contains("reserved", publishError);
        Assert.Equal("$system", ChannelName.System);
    }
}
