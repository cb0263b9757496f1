namespace VibeZ.AppHost.Tests.Integration;

/// <summary>
/// The services connect as a least-privilege ACL user: it runs everything VibeZ does, and nothing else.
/// </summary>
public abstract partial class TopologyTests
{
    /// <summary>Commands the services' user must be refused on a data node, each with why it is dangerous.</summary>
    public static TheoryData<string[]> RefusedOnDataNodes => new()
    {
        { ["DEBUG", "SLEEP", "0"] },             // freezes or crashes the node
        { ["CONFIG", "GET", "requirepass"] },    // reads (and CONFIG SET changes) every setting
        { ["CONFIG", "SET", "maxmemory", "0"] },
        { ["FLUSHALL"] },                        // deletes every key
        { ["FLUSHDB"] },
        { ["KEYS", "*"] },                       // blocks the node while it walks every key
        { ["MODULE", "LIST"] },                  // MODULE LOAD runs any code
        { ["GET", "outside:vibez"] },            // a key outside VibeZ's prefix
        { ["SET", "session:1", "stolen"] },
        { ["PUBLISH", "outside-channel", "x"] }, // a channel outside VibeZ's prefix
        { ["ACL", "SETUSER", "vibez-app", "+@all"] },
    };

    [Theory]
    [MemberData(nameof(RefusedOnDataNodes))]
    public async Task TheServicesUserIsRefusedWhatVibeZNeverDoes(string[] command)
    {
        foreach (var node in Topology.Topology.Nodes.Where(n => n.IsDataNode))
        {
            // The same credentials work for what VibeZ does, so a refusal is the ACL and not a wrong password.
            Assert.Equal("PONG", await Topology.QueryAsServiceAsync(node, "PING"));
            var refused = await Assert.ThrowsAsync<VibeZ.Redis.RedisNodeException>(() => Topology.QueryAsServiceAsync(node, command));
            Assert.True(refused.IsErrorReply && refused.Message.StartsWith("NOPERM", StringComparison.Ordinal),
                $"{node.Name} answered '{string.Join(' ', command)}' from {RedisTopologyCredentials.ServiceUser} with '{refused.Message}', not NOPERM");
        }
    }

    [Fact]
    public async Task TheServicesUserMayNotReconfigureTheSentinels()
    {
        foreach (var sentinel in Topology.Topology.Nodes.Where(n => n.Role is RedisNodeRole.Sentinel))
        {
            Assert.Equal("PONG", await Topology.QueryAsServiceAsync(sentinel, "PING"));
            string[][] commands = [["SENTINEL", "FAILOVER", "mymaster"], ["SENTINEL", "SET", "mymaster", "quorum", "1"], ["SENTINEL", "RESET", "*"], ["SENTINEL", "CONFIG", "SET", "resolve-hostnames", "no"]];
            foreach (var command in commands)
            {
                var refused = await Assert.ThrowsAsync<VibeZ.Redis.RedisNodeException>(() => Topology.QueryAsServiceAsync(sentinel, command));
                Assert.True(refused.Message.StartsWith("NOPERM", StringComparison.Ordinal),
                    $"{sentinel.Name} answered '{string.Join(' ', command)}' from {RedisTopologyCredentials.ServiceUser} with '{refused.Message}', not NOPERM");
            }
        }
    }

    [Fact]
    public async Task NothingTheServicesSendIsRefusedByTheAcl()
    {
        // Real traffic first: WebSocket and HTTP publishes through both Gateways, a live subscriber, and values written
        // by the Gateway and read by the Worker (every cluster master included).
        // A refusal shows up as a failed round trip; the ACL log says which command it was, so it is read either way.
        Exception? trafficFailed = null;
        try
        {
            await AMessagePublishedThroughOneGatewayReplicaReachesASubscriberOnTheOther();
            await AValueWrittenThroughTheGatewaysConnectionIsReadThroughTheWorkers();
        }
        catch (Exception ex)
        {
            trafficFailed = ex;
        }

        var refusals = new List<string>();
        foreach (var node in Topology.Topology.Nodes)
        {
            foreach (var entry in AclLogEntries(await Topology.QueryAsync(node, "ACL", "LOG")))
            {
                // The refusals the tests above provoke on purpose: an unnamed probe connection and one of their objects.
                // Every service connection names itself, and names anything else it is refused.
                var provoked = entry.ClientInfo.Contains(" name= ", StringComparison.Ordinal) && ProvokedRefusals.Contains(entry.Object);
                if (!provoked)
                {
                    refusals.Add($"{node.Name}: {entry.Reason} '{entry.Object}' for {entry.Username} ({entry.ClientInfo})");
                }
            }
        }

        Assert.True(refusals.Count == 0, "The services' user was refused what they sent:\n" + string.Join('\n', refusals));
        Assert.True(trafficFailed is null, $"The round trips failed without an ACL refusal: {trafficFailed}");
    }

    /// <summary>What ACL LOG names as the object of the refusals the other tests provoke: a command, a key or a channel.</summary>
    private static readonly HashSet<string> ProvokedRefusals =
    [
        "debug", "config|get", "config|set", "flushall", "flushdb", "keys", "module|list", "outside:vibez", "session:1", "outside-channel",
        "acl|setuser", "sentinel|failover", "sentinel|set", "sentinel|reset", "sentinel|config",
    ];

    private sealed record AclLogEntry(string Reason, string Object, string Username, string ClientInfo);

    /// <summary>Reads ACL LOG as the probe flattens it: one line per field name and one per value, entries one after another.</summary>
    private static List<AclLogEntry> AclLogEntries(string reply)
    {
        var lines = reply.Split('\n');
        var entries = new List<AclLogEntry>();
        var fields = new Dictionary<string, string>();
        for (var i = 0; i + 1 < lines.Length; i += 2)
        {
            if (lines[i] == "count" && fields.Count > 0)
            {
                entries.Add(Entry(fields));
                fields.Clear();
            }

            fields[lines[i]] = lines[i + 1];
        }

        if (fields.Count > 0)
        {
            entries.Add(Entry(fields));
        }

        return entries;

        static AclLogEntry Entry(Dictionary<string, string> f) =>
            new(f.GetValueOrDefault("reason", "?"), f.GetValueOrDefault("object", "?"), f.GetValueOrDefault("username", "?"), f.GetValueOrDefault("client-info", "?"));
    }
}
