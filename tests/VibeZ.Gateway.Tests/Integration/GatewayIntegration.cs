namespace VibeZ.Gateway.Tests.Integration;

/// <summary>
/// Integration tests start Redis topologies and Gateway processes of their own; they run one at a time so timings
/// (failover deadlines, slow-client queues) do not measure each other's load.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GatewayIntegration
{
    public const string Name = "Gateway integration";
}
