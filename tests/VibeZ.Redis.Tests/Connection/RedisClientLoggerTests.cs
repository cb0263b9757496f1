using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using VibeZ.Redis.Connection;

namespace VibeZ.Redis.Tests.Connection;

public sealed class RedisClientLoggerTests
{
    private readonly FakeLogger _inner = new();

    [Theory]
    [InlineData(89, "LogErrorConnectionIssue", LogLevel.Error)]
    [InlineData(93, "LogErrorConnectFailed", LogLevel.Error)]
    [InlineData(91, "LogInformationResurrecting", LogLevel.Information)]
    public void StackExchangeRedisReportsOfAFailedConnectionGoToDebug(int id, string name, LogLevel level)
    {
        new RedisClientLogger(_inner).Log(level, new EventId(id, name), "UnableToConnect on 127.0.0.1:7000/Interactive", new InvalidOperationException("down"), (state, _) => state);

        var record = Assert.Single(_inner.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Debug, record.Level);
        Assert.Equal("UnableToConnect on 127.0.0.1:7000/Interactive", record.Message);
    }

    [Fact]
    public void OtherEntriesKeepTheirLevel()
    {
        new RedisClientLogger(_inner).Log(LogLevel.Warning, new EventId(90, "LogWarningDeadSocketDetected"), "Dead socket detected", null, (state, _) => state);

        Assert.Equal(LogLevel.Warning, Assert.Single(_inner.Collector.GetSnapshot()).Level);
    }

    [Fact]
    public void ADemotedEntryIsDroppedWhereDebugIsOff()
    {
        _inner.ControlLevel(LogLevel.Debug, enabled: false);

        new RedisClientLogger(_inner).Log(LogLevel.Error, new EventId(89, "LogErrorConnectionIssue"), "SocketClosed", null, (state, _) => state);

        Assert.Empty(_inner.Collector.GetSnapshot());
    }
}
