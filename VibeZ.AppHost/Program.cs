using VibeZ.AppHost.Gateway;

var builder = DistributedApplication.CreateBuilder(args);

// The launch profile picks the topology (VibeZ:Redis:Topology); see docs/topologies.md.
var redis = builder.AddRedisTopology("redis");

// Two Gateway replicas behind http://localhost:8080 by default (VibeZ:Gateway:Replicas, VibeZ:Gateway:Port).
var gateway = GatewaySettings.Read(builder.Configuration);

builder.AddProject<Projects.VibeZ_Gateway>("gateway")
    .WithReference(redis).WaitFor(redis)
    .WithHttpHealthCheck("/health")
    // Proxied (the default): Aspire's proxy owns the port and spreads connections over the replicas, each of which
    // listens on a port of its own. It balances per TCP connection and is not sticky.
    .WithEndpoint("http", endpoint => endpoint.Port = gateway.Port)
    .WithReplicas(gateway.Replicas)
    .WithExternalHttpEndpoints()
    .WithoutHttpsCertificate();

builder.AddProject<Projects.VibeZ_Worker>("worker")
    .WithReference(redis).WaitFor(redis)
    .WithHttpHealthCheck("/health")
    .WithoutHttpsCertificate();

builder.Build().Run();
