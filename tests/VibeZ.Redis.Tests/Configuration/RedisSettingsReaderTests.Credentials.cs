using VibeZ.Redis.Configuration;

namespace VibeZ.Redis.Tests.Configuration;

/// <summary>Who the connection logs in as: <c>REDIS_USERNAME</c> and <c>REDIS_PASSWORD</c> against the user and password in <c>REDIS_URL</c>.</summary>
public sealed partial class RedisSettingsReaderTests
{
    [Fact]
    public void RedisPasswordWinsOverThePasswordInTheUrlAndIsRecordedForTheWarning()
    {
        var settings = RedisSettingsReader.Read(TestConfiguration.From(
            ("REDIS_URL", "redis://user:fromurl@host:6379"), ("REDIS_PASSWORD", "fromvariable")));

        Assert.Equal("fromvariable", settings.Password);
        Assert.Equal("REDIS_PASSWORD", settings.UrlPasswordOverriddenBy);
    }

    [Fact]
    public void UrlPasswordIsUsedWhenRedisPasswordIsUnset()
    {
        var settings = RedisSettingsReader.Read(TestConfiguration.From(("REDIS_URL", "redis://:fromurl@host:6379")));

        Assert.Equal("fromurl", settings.Password);
        Assert.Null(settings.User);
        Assert.Null(settings.UrlPasswordOverriddenBy);
    }

    [Fact]
    public void RedisUsernameWinsOverTheUserInTheUrl()
    {
        var settings = RedisSettingsReader.Read(TestConfiguration.From(
            ("REDIS_URL", "redis://urluser:pw@host:6379"), ("REDIS_USERNAME", "acluser")));

        Assert.Equal("acluser", settings.User);
    }

    [Theory]
    [InlineData("vibez app", 6)]
    [InlineData("vibez-app\t", 10)]
    [InlineData("vibez\napp", 6)]
    public void ARedisUsernameThatIsNotOneWordStopsStartUpWithoutRepeatingIt(string username, int position)
    {
        var ex = Assert.Throws<RedisConfigurationException>(() => RedisSettingsReader.Read(TestConfiguration.From(
            ("REDIS_MODE", "cluster"), ("REDIS_CLUSTER_NODES", "n1:7000"), ("REDIS_USERNAME", username), ("REDIS_PASSWORD", "pw"))));

        Assert.Equal("REDIS_USERNAME", ex.Setting);
        Assert.Equal($"REDIS_USERNAME value is invalid: it has a space or control character at position {position} of {username.Length}, and a Redis ACL user name is one word.", ex.Message);
    }

    [Fact]
    public void ARedisUsernameWithoutAPasswordStopsStartUp()
    {
        var ex = Assert.Throws<RedisConfigurationException>(() => RedisSettingsReader.Read(TestConfiguration.From(
            ("REDIS_MODE", "sentinel"), ("REDIS_SENTINELS", "s1"), ("REDIS_USERNAME", "vibez-app"))));

        Assert.Equal("REDIS_USERNAME", ex.Setting);
        Assert.Equal("REDIS_USERNAME is 'vibez-app', but REDIS_PASSWORD is not set: an ACL user logs in with a password.", ex.Message);
    }

    [Fact]
    public void ARedisUsernameMayTakeItsPasswordFromTheUrl() =>
        Assert.Equal(("vibez-app", "urlpw"), RedisSettingsReader.Read(TestConfiguration.From(
            ("REDIS_URL", "redis://:urlpw@host:6379"), ("REDIS_USERNAME", "vibez-app"))) is var s ? (s.User, s.Password) : default);

    [Theory]
    [InlineData("sentinel", "REDIS_SENTINELS")]
    [InlineData("cluster", "REDIS_CLUSTER_NODES")]
    public void ARedisUsernameOutsideSingleModeDoesNotTakeItsPasswordFromTheUnusedUrl(string mode, string nodesSetting)
    {
        // Only single mode connects to REDIS_URL, so its password would never be sent with the user name.
        var ex = Assert.Throws<RedisConfigurationException>(() => RedisSettingsReader.Read(TestConfiguration.From(
            ("REDIS_MODE", mode), (nodesSetting, "n1:7000"), ("REDIS_URL", "redis://:urlpw@host:6379"), ("REDIS_USERNAME", "vibez-app"))));

        Assert.Equal("REDIS_USERNAME", ex.Setting);
        Assert.Equal("REDIS_USERNAME is 'vibez-app', but REDIS_PASSWORD is not set: an ACL user logs in with a password.", ex.Message);
    }
}
