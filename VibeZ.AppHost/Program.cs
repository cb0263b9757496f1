using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

// The launch profile picks the topology (VibeZ:Redis:Topology); see README "Topologies".
var redis = builder.AddRedisTopology("redis");

builder.AddProject<Projects.VibeZ_Gateway>("gateway")
    .WithReference(redis).WaitFor(redis)
    .WithHttpHealthCheck("/health")
    // The Gateway's documented address is http://localhost:8080 (VibeZ:Gateway:Port changes it).
    .WithEndpoint("http", endpoint => endpoint.Port = builder.Configuration.GetValue("VibeZ:Gateway:Port", 8080))
    .WithExternalHttpEndpoints();

builder.AddProject<Projects.VibeZ_Worker>("worker")
    .WithReference(redis).WaitFor(redis)
    .WithHttpHealthCheck("/health");

builder.Build().Run();
