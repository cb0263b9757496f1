using VibeZ.Channels.Publishing;

namespace VibeZ.Gateway.Tests.Channels.Publishing;

public sealed class ReplicationConfirmerTests
{
    [Fact]
    public void TheMastersViewIsTheHighestOffsetAnOnlineReplicaAcknowledged()
    {
        var fields = new Dictionary<string, string>
        {
            ["role"] = "master",
            ["connected_slaves"] = "3",
            ["slave0"] = "ip=127.0.0.1,port=6380,state=online,offset=1200,lag=0",
            ["slave1"] = "ip=127.0.0.1,port=6381,state=online,offset=1500,lag=1",
            ["slave2"] = "ip=127.0.0.1,port=6382,state=send_bulk,offset=9000,lag=0",
            ["slave_read_repl_offset"] = "99999",
            ["master_repl_offset"] = "1600",
        };

        Assert.Equal(1500, ReplicationConfirmer.AcknowledgedByReplica(fields));
    }

    [Theory]
    [InlineData("ip=127.0.0.1,port=6380,state=wait_bgsave,offset=0,lag=0")]
    [InlineData("ip=127.0.0.1,port=6380,state=online,offset=not-a-number,lag=0")]
    [InlineData("garbage")]
    public void AReplicaNotOnlineOrUnreadableConfirmsNothing(string line)
    {
        Assert.Equal(-1, ReplicationConfirmer.AcknowledgedByReplica(new Dictionary<string, string> { ["slave0"] = line }));
    }
}
