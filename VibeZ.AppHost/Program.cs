using System.Diagnostics;
using VibeZ.AppHost.Gateway;

var builder = DistributedApplication.CreateBuilder(args);

// The launch profile picks the topology (VibeZ:Redis:Topology); the other VibeZ:Redis settings tune it: ports, image,
// runtime, TLS, limits. See docs/redis/topologies.md and docs/configuration.md.
var redisSettings = RedisTopologySettings.Read(builder.Configuration);
IResourceBuilder<RedisTopologyResource> redis = redisSettings.Topology switch
{
    RedisTopologyKind.Single => builder.AddRedisServer("redis", redisSettings),
    RedisTopologyKind.Sentinel => builder.AddRedisSentinel("redis", redisSettings)
        .WithSentinels(redisSettings.Sentinels)
        .WithQuorum(redisSettings.Quorum),
    RedisTopologyKind.Cluster => builder.AddRedisCluster("redis", redisSettings)
        .WithMasters(redisSettings.ClusterMasters)
        .WithReplicasPerMaster(redisSettings.ClusterReplicasPerMaster),
    _ => throw new UnreachableException($"RedisTopologySettings.Read accepted the unknown topology {redisSettings.Topology}."),
};

// Two Gateway replicas behind http://localhost:8080 by default (VibeZ:Gateway:Replicas, VibeZ:Gateway:Port).
var gateway = GatewaySettings.Read(builder.Configuration);

// The key that signs client tokens (HS256): generated once and kept like the Redis password; see docs/security.md.
var signingKey = builder.AddParameter("gateway-signing-key", new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true, persist: true);

builder.AddProject<Projects.VibeZ_Gateway>("gateway")
    .WithBuiltProgram()
    .WithReference(redis).WaitFor(redis)
    .WithEnvironment("Gateway__Auth__SigningKey", signingKey)
    .WithHttpHealthCheck("/health")
    // Proxied (the default): Aspire's proxy owns the port and spreads connections over the replicas, each of which
    // listens on a port of its own. It balances per TCP connection and is not sticky.
    .WithEndpoint("http", endpoint => endpoint.Port = gateway.Port)
    .WithReplicas(gateway.Replicas)
    .WithExternalHttpEndpoints()
    .WithoutHttpsCertificate();

// Two Workers share the broadcasts through one consumer group, and take over each other's after a crash; see docs/worker.md.
builder.AddProject<Projects.VibeZ_Worker>("worker")
    .WithBuiltProgram()
    .WithReference(redis).WaitFor(redis)
    .WithHttpHealthCheck("/health")
    .WithReplicas(2)
    .WithoutHttpsCertificate();

builder.Build().Run();
