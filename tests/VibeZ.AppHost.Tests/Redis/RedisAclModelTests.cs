using VibeZ.AppHost.Tests.Infrastructure;

namespace VibeZ.AppHost.Tests.Redis;

/// <summary>The ACL users the model writes into every node's config file; nothing is started.</summary>
public class RedisAclModelTests
{
    private static readonly string[] Forbidden = ["+debug", "+config", "+flushall", "+flushdb", "+keys", "+scan", "+module", "+acl", "+@all", "allkeys", "~*"];

    [Theory]
    [InlineData(RedisTopologyKind.Single)]
    [InlineData(RedisTopologyKind.Sentinel)]
    [InlineData(RedisTopologyKind.Cluster)]
    public async Task EveryDataNodeHasTheServiceUserLimitedToVibeZsKeysChannelsAndCommands(RedisTopologyKind kind)
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(kind, RedisRuntime.Process));
        var topology = appHost.Resources.OfType<RedisTopologyResource>().Single();

        Assert.All(topology.Nodes.Where(n => n.IsDataNode), node =>
        {
            var line = Assert.Single(Lines(RedisNodeConfigFile.Render(topology, node, TestSecrets.Default)), l => l.StartsWith("user vibez-app ", StringComparison.Ordinal));
            Assert.StartsWith("user vibez-app on >service-s3cret resetkeys ~vibez:* resetchannels &vibez:* -@all ", line);
            var words = line.Split(' ');
            Assert.All(Forbidden, word => Assert.DoesNotContain(word, words));
            Assert.All(["+evalsha", "+eval", "+info", "+role", "+cluster|slots", "+cluster|nodes", "+subscribe", "+ssubscribe", "+publish", "+spublish", "+client|setname", "+ping", "+echo"],
                word => Assert.Contains(word, words));
        });
    }

    [Fact]
    public async Task TheOperatorKeepsTheDefaultUserAndServicesNeverGetItsPassword()
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(RedisTopologyKind.Sentinel, RedisRuntime.Process));
        var topology = appHost.Resources.OfType<RedisTopologyResource>().Single();

        Assert.All(topology.Nodes, node =>
        {
            var lines = Lines(RedisNodeConfigFile.Render(topology, node, TestSecrets.Default));
            Assert.Contains("requirepass s3cret", lines);
            Assert.DoesNotContain(lines, l => l.StartsWith("user vibez-", StringComparison.Ordinal) && l.Contains(">s3cret", StringComparison.Ordinal));
        });
    }

    [Fact]
    public async Task SentinelsUseTheirOwnUserTowardTheNodesAndEachOther()
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(RedisTopologyKind.Sentinel, RedisRuntime.Process));
        var topology = appHost.Resources.OfType<RedisTopologyResource>().Single();

        Assert.All(topology.Nodes.Where(n => n.Role is RedisNodeRole.Sentinel), sentinel =>
        {
            var lines = Lines(RedisNodeConfigFile.Render(topology, sentinel, TestSecrets.Default));
            Assert.Contains("sentinel sentinel-user vibez-sentinel", lines);
            Assert.Contains("sentinel sentinel-pass sentinel-s3cret", lines);
            Assert.Contains("sentinel auth-user mymaster vibez-sentinel", lines);
            Assert.Contains("sentinel auth-pass mymaster sentinel-s3cret", lines);
            Assert.Contains("user vibez-sentinel on >sentinel-s3cret allkeys allchannels +@all", lines);
            var service = Assert.Single(lines, l => l.StartsWith("user vibez-app ", StringComparison.Ordinal));
            Assert.Contains("+sentinel|get-master-addr-by-name", service.Split(' '));
            Assert.DoesNotContain(service.Split(' '), word => word is "+sentinel" or "+sentinel|failover" or "+sentinel|set" or "+sentinel|reset" or "+@all");
        });
        Assert.All(topology.Nodes.Where(n => n.IsDataNode), node =>
        {
            var line = Assert.Single(Lines(RedisNodeConfigFile.Render(topology, node, TestSecrets.Default)), l => l.StartsWith("user vibez-sentinel ", StringComparison.Ordinal));
            Assert.All(["+slaveof", "+config|rewrite", "+client|kill", "+info", "+publish", "+subscribe"], word => Assert.Contains(word, line.Split(' ')));
            Assert.DoesNotContain("+@all", line.Split(' '));
        });
    }

    [Fact]
    public async Task OnlySentinelTopologiesDefineTheSentinelUserOnTheirNodes()
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(RedisTopologyKind.Cluster, RedisRuntime.Process));
        var topology = appHost.Resources.OfType<RedisTopologyResource>().Single();

        Assert.All(topology.Nodes, node => Assert.DoesNotContain("vibez-sentinel", RedisNodeConfigFile.Render(topology, node, TestSecrets.Default), StringComparison.Ordinal));
    }

    [Fact]
    public void TheProductionAclFileInTheDocsIsTheOneTheAppHostWrites()
    {
        var docs = File.ReadAllText(Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../docs/security.md")));

        Assert.All(
            [
                RedisAclUsers.ServiceOnDataNode("SERVICE_PASSWORD"), RedisAclUsers.SentinelOnDataNode("SENTINEL_PASSWORD"),
                RedisAclUsers.ServiceOnSentinel("SERVICE_PASSWORD"), RedisAclUsers.SentinelOnSentinel("SENTINEL_PASSWORD"),
            ],
            line => Assert.True(docs.Contains(line + "\n", StringComparison.Ordinal), $"docs/security.md lacks the line the AppHost writes:\n{line}"));
    }

    private static string[] Lines(string config) => config.Split('\n', StringSplitOptions.TrimEntries);
}
