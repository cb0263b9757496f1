using StackExchange.Redis;
using VibeZ.Channels.Presence;

namespace VibeZ.Gateway.Tests.Channels.Presence;

public sealed class PresenceStoreTests
{
    [Fact]
    public void NoReplicasDuringAFailoverIsARetryableNotReplicated()
    {
        var error = RedisPresenceStore.Translate("presence.join", new RedisServerException("NOREPLICAS Not enough good replicas to write."));

        Assert.Equal((GatewayErrorCodes.NotReplicated, true), (error.Code, error.Retryable));
    }

    [Fact]
    public void OtherRefusalsAreRedisRefusedAndALostConnectionIsRetryable()
    {
        var refused = RedisPresenceStore.Translate("presence.join", new RedisServerException("OOM command not allowed"));
        var lost = RedisPresenceStore.Translate("presence.join", new RedisConnectionException(ConnectionFailureType.SocketClosed, "closed"));

        Assert.Equal((GatewayErrorCodes.RedisRefused, false), (refused.Code, refused.Retryable));
        Assert.Equal((GatewayErrorCodes.RedisUnavailable, true), (lost.Code, lost.Retryable));
    }

    [Fact]
    public void BusyIsARetryableRefusalBecauseTheScriptEnds()
    {
        var busy = RedisPresenceStore.Translate("presence.join", new RedisServerException("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."));

        Assert.Equal((GatewayErrorCodes.RedisRefused, true), (busy.Code, busy.Retryable));
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("a b \"c\" \\ é")]
    [InlineData("")]
    public void AMemberReadsBackAsItWasStored(string client)
    {
        var member = new PresenceMember("host-12", "0HN:00000001", client);

        Assert.True(PresenceMember.TryParse(member.ToString(), out var read));
        Assert.Equal(member, read);
    }

    [Theory]
    [InlineData("")]
    [InlineData("node-only")]
    [InlineData("node conn not-json")]
    public void AMemberThisVersionDidNotWriteIsSkipped(string stored) => Assert.False(PresenceMember.TryParse(stored, out _));
}
