using VibeZ.Redis.Configuration;

namespace VibeZ.Redis.Tests.Configuration;

public sealed class RedisSecretMaskerTests
{
    [Theory]
    [InlineData("redis://user:pa:ss@host:6379", "redis://user:***@host:6379")]
    [InlineData("redis://:pw@host:6379/2", "redis://:***@host:6379/2")]
    [InlineData("rediss://p@ss@host", "rediss://***@host")]
    [InlineData("redis://host:6379", "redis://host:6379")]
    [InlineData("garbage user:pw@host", "garbage user:***@host")]
    public void PasswordsInUrlsAreHiddenEvenWhenTheUrlIsMalformed(string url, string masked) =>
        Assert.Equal(masked, RedisSecretMasker.MaskUrl(url));
}
