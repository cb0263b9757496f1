using System.Net;
using VibeZ.Redis.Health;

namespace VibeZ.Redis.Tests.Health;

public sealed class RedisMemoryPressureTests
{
    private static readonly EndPoint Node = new IPEndPoint(IPAddress.Loopback, 6379);

    [Theory]
    [InlineData(899, 1000, false)]
    [InlineData(900, 1000, true)]
    [InlineData(1200, 1000, true)]
    [InlineData(5_000_000, 0, false)]
    public void ANodeIsNearItsLimitFromNinetyPercentOfMaxMemory(long used, long max, bool near)
    {
        var pressure = RedisMemoryPressure.From(Node, Info(("used_memory", used.ToString()), ("maxmemory", max.ToString())));

        Assert.NotNull(pressure);
        Assert.Equal(near, pressure.IsNearLimit);
    }

    [Fact]
    public void TheReasonNamesTheNodeAndItsNumbers()
    {
        var pressure = RedisMemoryPressure.From(Node, Info(("used_memory_human", "9M"), ("used_memory", "950"), ("maxmemory", "1000")))!;

        Assert.Equal("127.0.0.1:6379 uses 95% of its maxmemory (used_memory 950 of 1000 bytes); at 100% it refuses writes with OOM.", pressure.Describe());
    }

    [Fact]
    public void AnAnswerWithoutTheFieldsGivesNoPressure() =>
        Assert.Null(RedisMemoryPressure.From(Node, Info(("used_memory", "950"))));

    private static IGrouping<string, KeyValuePair<string, string>>[] Info(params (string Key, string Value)[] fields) =>
        [.. fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)).GroupBy(_ => "Memory")];
}
